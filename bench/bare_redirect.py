"""The baseline for bench/redirect.py: an ASGI app that only redirects known codes.

No database, no clicks: codes and targets come from the JSON file named by
BENCH_LINKS_FILE, read once at start. Served by the same server, with the same
options, as the Chorus redirect it is compared with.
"""

import json
import os
from pathlib import Path
from typing import Any

_TARGETS = {
    code: target.encode()
    for code, target in json.loads(Path(os.environ["BENCH_LINKS_FILE"]).read_text()).items()
}
_NOT_FOUND = b"not found"


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
        return
    target = _TARGETS.get(scope["path"][3:])
    if target is None:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": _NOT_FOUND})
        return
    await send(
        {
            "type": "http.response.start",
            "status": 302,
            "headers": [(b"location", target), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})
