"""The reference web app: what FastAPI on uvicorn does with nothing behind it (a 2 KB body)."""
from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.responses import Response

BODY = {"items": [{"id": i, "name": f"entity {i}", "text": "x" * 20} for i in range(32)]}
BYTES = json.dumps(BODY).encode()

app = FastAPI()


@app.get("/dict")
async def as_dict() -> dict:
    return BODY


@app.get("/bytes")
async def as_bytes() -> Response:
    return Response(BYTES, media_type="application/json")
