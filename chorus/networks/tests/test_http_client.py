"""The HTTP client every connector calls its network with."""

import httpx
import respx

from chorus.networks.http import USER_AGENT, client

SERVER = "https://pds.example"


def test_a_cookie_one_answer_sets_goes_out_with_no_later_call() -> None:
    with respx.mock(base_url=SERVER) as network:
        route = network.get("/xrpc/call").mock(
            return_value=httpx.Response(200, headers={"Set-Cookie": "session=erins; Path=/"})
        )
        http = client()

        http.get(f"{SERVER}/xrpc/call", headers={"Authorization": "Bearer erin"})
        http.get(f"{SERVER}/xrpc/call", headers={"Authorization": "Bearer oskar"})

    assert route.call_count == 2
    assert "cookie" not in route.calls[1].request.headers
    assert not http.cookies


def test_calls_name_chorus_and_follow_no_redirect() -> None:
    with respx.mock(base_url=SERVER, assert_all_called=False) as network:
        network.get("/moved").mock(
            return_value=httpx.Response(302, headers={"Location": "http://10.0.0.1/"})
        )
        inside = network.get("http://10.0.0.1/").mock(return_value=httpx.Response(200))

        response = client().get(f"{SERVER}/moved")

    assert response.status_code == 302
    assert response.request.headers["User-Agent"] == USER_AGENT
    assert not inside.called
