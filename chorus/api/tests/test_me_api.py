from chorus.sharing import services as sharing_services


def test_my_data_is_the_same_export_as_on_the_my_data_page(employee, api, login):
    sharing_services.join_programme(member=employee)

    body = api(employee).get("/me/data").json()
    page = login(employee).get("/o/acme/my-data/export.json").json()

    assert body.keys() == page.keys()
    assert "erin.employee@acme.test" in str(body)
    assert "Acme Ltd" in str(body)


def test_my_data_holds_only_my_own(employee, admin, api):
    body = api(admin).get("/me/data").json()

    assert "erin.employee@acme.test" not in str(body)
