"""The web-component bundle is public, cached by content hash, and revalidated by ETag."""

from __future__ import annotations

import pytest

from api.settings import Settings
from tests.api.conftest import Api
from tests.conftest import skip_or_fail


@pytest.fixture
def bundle_built() -> None:
    if not (Settings().components_dir / "signalbox.js").is_file():
        skip_or_fail("web-components/dist/signalbox.js is not built (run `make components`)")


class TestComponentBundle:
    async def test_the_bundle_is_served_without_a_token(self, api: Api, bundle_built: None) -> None:
        response = await api.http.get("/components/signalbox.js")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/javascript")
        assert "customElements" in response.text
        assert response.headers["cache-control"] == "public, max-age=0, must-revalidate"

    async def test_a_hashed_url_is_immutable_and_an_etag_revalidates(
        self, api: Api, bundle_built: None
    ) -> None:
        first = await api.http.get("/components/signalbox.js")
        etag = first.headers["etag"]
        versioned = await api.http.get(f"/components/signalbox.js?v={etag.strip(chr(34))}")
        assert "immutable" in versioned.headers["cache-control"]
        again = await api.http.get("/components/signalbox.js", headers={"if-none-match": etag})
        assert again.status_code == 304

    async def test_paths_outside_the_bundle_are_not_served(self, api: Api) -> None:
        for path in (
            "/components/../pyproject.toml",
            "/components/%2e%2e/api/app.py",
            "/components/nope.js",
        ):
            response = await api.http.get(path)
            assert response.status_code in (401, 404), path
            assert "signalbox" not in response.text.lower() or "errors" in response.text
