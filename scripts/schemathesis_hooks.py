"""Schemathesis hooks for scripts/api-contract.sh: authenticate as the contract account.

The fuzzer may end its own session (logout, logout-all, ending sessions, changing settings), so the
token is fetched again every few seconds rather than once.
"""

import json
import os
import urllib.request

import schemathesis

BASE = os.environ["CONTRACT_BASE"]


@schemathesis.auth(refresh_interval=5)
class ContractAuth:
    def get(self, case, ctx):
        body = json.dumps(
            {"login": os.environ["CONTRACT_USER"], "password": os.environ["CONTRACT_PASSWORD"]}
        ).encode()
        request = urllib.request.Request(
            f"{BASE}/api/v1/auth/login",
            data=body,
            headers={"content-type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["access_token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
