import re
import urllib.request

import pytest


def test_login_page_is_served(server_url):
    with urllib.request.urlopen(server_url + "/web/login", timeout=30) as response:
        page = response.read().decode()
    assert response.status == 200
    assert 'name="login"' in page and 'name="password"' in page


def test_admin_logs_in_and_sees_the_demo_region_tree(rpc, database):
    session = rpc.login(database, "admin", "admin")
    assert session["uid"]
    regions = rpc.call_kw("ep.parking.region", "search_read", [[("kind", "=", "division")]],
                          {"fields": ["complete_name"]})
    names = {region["complete_name"] for region in regions}
    assert "EP Parking Co. / South China Region / Shenzhen Division" in names


def test_lot_staff_reads_regions_but_cannot_change_them(rpc, database):
    assert rpc.login(database, "lotstaff", "lotstaff")["uid"]
    ids = rpc.call_kw("ep.parking.region", "search", [[]])
    assert ids
    with pytest.raises(RuntimeError, match="(?i)access|not allowed"):
        rpc.call_kw("ep.parking.region", "write", [ids[:1], {"name": "Hacked"}])


def test_wrong_password_is_refused(rpc, database):
    try:
        session = rpc.login(database, "admin", "not-the-password")
    except RuntimeError:
        return  # refused with an error: fine
    assert not session.get("uid")


def test_asset_bundles_compile(server_url):
    """CSS bundles are built with lessc (from .state/node); a failed build still answers 200
    but with Odoo's "Could not execute command" style error instead of the stylesheet."""
    with urllib.request.urlopen(server_url + "/web/login", timeout=30) as response:
        page = response.read().decode()
    bundles = re.findall(r'(?:href|src)="(/web/content/[^"]+\.(?:css|js))"', page)
    assert any(url.endswith(".css") for url in bundles) and any(url.endswith(".js") for url in bundles)
    for url in bundles:
        with urllib.request.urlopen(server_url + url, timeout=120) as response:
            body = response.read().decode("utf-8", "replace")
        assert response.status == 200 and len(body) > 1000, url
        assert "Could not execute command" not in body and "lessc" not in body, url


@pytest.mark.parametrize("path", ["/", "/my", "/web/database/selector"])
def test_public_pages(server_url, path):
    with urllib.request.urlopen(server_url + path, timeout=120) as response:
        assert response.status == 200
