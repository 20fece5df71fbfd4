"""Access sweep (issue 14, item 5): every role against every back-office model of the EP addons.

Roles, each a fresh user made here: an operator of region A (the Guangzhou division), lot staff of lot X
(SZ-002, not of its neighbour Y = SZ-001), finance of region A, an issuer of merchant M1, an owner O1,
and an anonymous visitor. Region B is every other region (Shenzhen, Shanghai: the same company), where
most of the demo data is: so most models have records out of each staff role's reach.

For every ``ep.*`` model of the ``ep_*`` addons and every role, over JSON-RPC with the role's session
(``/web/dataset/call_kw`` as the web client calls it):

- ``search_read``: the ids returned must be exactly those the policy below grants, computed as superuser
  from each record's own lot/region (its ``lot_id``, ``lot_ids``, ``region_id`` or ``division_id``, or
  those of the parent record it belongs to);
- ``read``, ``write`` (a field rewritten with its own value) and ``unlink`` of a record the role may
  not reach (another region's, another lot's, another owner's or merchant's): refused, and the record
  is unchanged in the database (same ``write_date``, still there).

The expectations come from POLICY below, a statement of who may see what, not from the record rules
(the rules are what is tested). The matrix is printed and written to $EP_STATE/reports/access_matrix.txt;
the assertion lists every cell that differs from the policy.

Portal routes with other owners' ids are tried by test_owner_access.py (every /my route and coupon API
endpoint) and by ep_coupon's test_portal.py (test_another_merchant_is_refused); the cases of merchant M2's
records that those do not try are at the end of this file, with the vendor tokens.
"""
import json
import os
import secrets
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import requests
from conftest import JsonRpc

PASSWORD = "Ep-Access-Sweep-2026!"
STAFF = ("operator_A", "lot_staff_X", "finance_A")
PORTAL = ("merchant_M1", "owner_O1")
ROLES = STAFF + PORTAL + ("anonymous",)

# ---------------------------------------------------------------------------------------------- policy
# Models no back-office role below the manager reads: secrets and technical records (phone login tokens,
# SMS codes and messages, the test payments, invoices and arrears queries of the providers' set-up).
ADMIN_ONLY = {
    "ep.parking.login.token", "ep.parking.phone.verification", "ep.parking.sms.message",
    "ep.parking.test.payment", "ep.einvoice.test.issue", "ep.monthcard.arrears.test",
}
# Models a role does not read although the general rule "staff read everything of their regions" would.
NOT_READABLE = {
    # e-invoices are issued by lot staff and finance: plain operators do not handle invoices
    "operator_A": {"ep.einvoice.rule", "ep.einvoice.invoice", "ep.einvoice.invoice.line", "ep.einvoice.fee.item",
                   "ep.einvoice.tax.category", "ep.einvoice.taxpayer"},
    "lot_staff_X": set(),
    "finance_A": set(),
}
# Money of every lot: finance reads the payments, cash reports, income and month-card billing of every
# region (seed 000 §2.10.1 "Finance: payments, cash reports, invoices"); everything else only in its own.
FINANCE_EVERYWHERE = {
    "ep.parking.order", "ep.parking.cash.report", "ep.parking.report.income", "ep.parking.export.file",
    "ep.monthcard.billing.room", "ep.monthcard.bank.debit", "ep.monthcard.renewal", "ep.monthcard.report",
}
# Records without a lot or region that region-limited staff still see: a device not yet placed at a lot
# is in the common pool installers pick from, and so are its commands and events (and events of devices
# not registered yet).
SHARED_WHEN_UNPLACED = {"ep.device", "ep.device.command", "ep.device.event"}
# Models that belong to no lot (the region tree, the vendors, the channels, owners' vehicles...): staff
# read all of them; these are the ones a role may also edit (any record of them).
WRITABLE_UNSCOPED = {
    "operator_A": {"ep.parking.vehicle"},
    "lot_staff_X": {"ep.parking.vehicle", "ep.parking.ops.region"},
    # finance keeps the invoicing catalogue: what is invoiced under which tax category
    "finance_A": {"ep.parking.vehicle", "ep.einvoice.fee.item", "ep.einvoice.tax.category"},
}
# One-card pass areas span lots and regions by design (a card opens the gates of all of them): staff see
# every area, as they see the models of no lot.
SPANNING = {"ep.monthcard.pass.area"}
# Approval requests are not a lot's: a user sees those they raised or are a level's approver of.
APPROVAL = "ep.approval.request"


# Portal users read only these models, and only their own records there. An owner's own: what is theirs
# by partner (their cars, reservations, payments, month-card applications and renewals, invoices they
# asked for or are the buyer of). A merchant issuer's own: their merchant's record, its issuers, batches,
# coupons and campaigns. Coupon types are the price list every portal user may buy from: all of them.
PORTAL_OWN = {
    "ep.parking.vehicle": ("partner", ["partner_id"]),
    "ep.parking.reservation": ("partner", ["partner_id"]),
    "ep.parking.order": ("partner", ["partner_id"]),
    "ep.monthcard.application": ("partner", ["partner_id"]),
    "ep.monthcard.renewal": ("partner", ["partner_id"]),
    "ep.einvoice.invoice": ("partner", ["requested_by_id", "partner_id"]),
    "ep.einvoice.invoice.line": ("partner", ["invoice_id.requested_by_id", "invoice_id.partner_id"]),
    "ep.coupon.merchant": ("merchant", ["id"]),
    "ep.coupon.authorization": ("merchant", ["merchant_id"]),
    "ep.coupon.batch": ("merchant", ["merchant_id"]),
    "ep.coupon": ("merchant", ["merchant_id"]),
    "ep.coupon.campaign": ("merchant", ["merchant_id"]),
    "ep.coupon.type": ("all", []),
}
LOT_FIELDS = ("lot_id", "lot_ids")
REGION_FIELDS = ("region_id", "division_id", "region_ids")


# ------------------------------------------------------------------------------------------- the world
@pytest.fixture(scope="module")
def world(transaction):
    """Fresh users for the roles; owner O1 and O2 with a car and a payment each; M1's issuer."""
    tag = secrets.token_hex(3)
    with transaction() as env:
        region_a = env.ref("ep_parking.division_guangzhou_demo")
        lot_x, lot_y = env.ref("ep_parking.lot_sz002_demo"), env.ref("ep_parking.lot_sz001_demo")
        Users = env["res.users"].with_context(no_reset_password=True)

        def user(role, groups, **values):
            return Users.create(dict(values, name="Sweep %s %s" % (role, tag), login="sweep-%s-%s" % (role, tag),
                                     password=PASSWORD, groups_id=[(6, 0, [env.ref(g).id for g in groups])]))

        users = {
            "operator_A": user("operator_A", ["ep_parking.group_operator"], ep_region_ids=[(6, 0, region_a.ids)]),
            "lot_staff_X": user("lot_staff_X", ["ep_parking.group_lot_staff"], ep_lot_ids=[(6, 0, lot_x.ids)]),
            "finance_A": user("finance_A", ["ep_parking.group_finance"], ep_region_ids=[(6, 0, region_a.ids)]),
            "merchant_M1": user("merchant_M1", ["base.group_portal"]),
            "owner_O1": user("owner_O1", ["base.group_portal"]),
            "owner_O2": user("owner_O2", ["base.group_portal"]),
        }
        m1, m2 = env.ref("ep_coupon.merchant_variable_demo"), env.ref("ep_coupon.merchant_fixed_demo")
        env["ep.coupon.authorization"].create({
            "merchant_id": m1.id, "phone": "137%08d" % secrets.randbelow(10 ** 8), "name": "Sweep issuer",
            "user_id": users["merchant_M1"].id})
        cash = env.ref("ep_parking.payment_method_cash")
        for owner, lot in (("owner_O1", lot_x), ("owner_O2", lot_y)):
            partner = users[owner].partner_id
            plate = "粤B%05d" % secrets.randbelow(10 ** 5)
            env["ep.parking.vehicle"].create({"plate": plate, "partner_id": partner.id})
            order = env["ep.parking.order"].create({"kind": "temporary", "lot_id": lot.id, "amount": 7.0,
                                                   "plate": plate, "channel_id": cash.id, "partner_id": partner.id})
            order._set_paid("SWEEP-%s" % secrets.token_hex(6))
        roles = {role: {"uid": u.id, "login": u.login, "partner": u.partner_id.id,
                        "regions": set(u.ep_region_ids.ids), "lots": set(u.ep_lot_ids.ids),
                        "groups": set(u.groups_id.ids)} for role, u in users.items()}
        roles["merchant_M1"]["merchants"] = {m1.id}
        m2_campaign = m2._create_campaign("Sweep %s" % tag)
        m2_limit = env["ep.coupon.limit"].search([("merchant_id", "=", m2.id), ("kind", "=", "issue")], limit=1)
        return {"roles": roles, "m2_campaign": m2_campaign.id, "m2_limit": m2_limit.id}


# ------------------------------------------------------------------------------------ models and scope
def ep_models(env):
    """The ``ep.*`` models the EP addons declare (ir.model records with an ep_* xml id)."""
    data = env["ir.model.data"].search([("model", "=", "ir.model"), ("module", "=like", "ep\\_%")])
    names = sorted(set(env["ir.model"].browse(data.mapped("res_id")).mapped("model")))
    return [name for name in names if name.startswith("ep.") and name in env and not env[name]._abstract]


def scope_paths(env, model, depth=0):
    """Field paths from ``model`` to the lot(s) or region(s) its records belong to, most precise first:
    its own lot fields, else those of the parent it is a part of (a many2one to another EP model, the
    required or cascading ones first), then its own region fields."""
    fields = env[model]._fields

    def own(names, comodel):
        return [name for name in names if name in fields and fields[name].type in ("many2one", "many2many")
                and fields[name].comodel_name == comodel]

    lots, regions = own(LOT_FIELDS, "ep.parking.lot"), own(REGION_FIELDS, "ep.parking.region")
    if lots or depth >= 3:
        return lots + regions
    parents = [(name, field) for name, field in sorted(fields.items())
               if field.type == "many2one" and field.store and field.comodel_name.startswith("ep.")
               and field.comodel_name not in (model, "ep.parking.region")]
    parents.sort(key=lambda item: not (item[1].required or item[1].ondelete == "cascade"))
    for name, field in parents:
        if field.comodel_name == "ep.parking.lot":
            return [name] + regions
        parent = scope_paths(env, field.comodel_name, depth + 1)
        if parent:
            return ["%s.%s" % (name, path) for path in parent] + regions
    return regions


def record_scope(record, paths):
    """(lots, regions) a record belongs to: the first path that gives any."""
    if record._name == "ep.parking.lot":
        return set(record.ids), set()
    for path in paths:
        target = record.mapped(path)
        if target:
            if target._name == "ep.parking.lot":
                return set(target.ids), set()
            return set(), set(target.ids)
    return set(), set()


def region_ancestors(env):
    ancestors = {}
    for region in env["ep.parking.region"].with_context(active_test=False).search([]):
        chain, node = set(), region
        while node:
            chain.add(node.id)
            node = node.parent_id
        ancestors[region.id] = chain
    return ancestors


def in_scope(role, lots, regions, world_map):
    lot_regions, ancestors = world_map
    if lots:
        return bool(lots & role["lots"]) or any(ancestors.get(lot_regions.get(lot), set()) & role["regions"]
                                                for lot in lots)
    return any(ancestors.get(region, set()) & role["regions"] for region in regions)


def portal_owns(role, record, model):
    kind, paths = PORTAL_OWN[model]
    if kind == "all":
        return True
    for path in paths:
        target = record if path == "id" else record.mapped(path)
        if kind == "partner" and role["partner"] in target.ids:
            return True
        if kind == "merchant" and set(target.ids) & role.get("merchants", set()):
            return True
    return False


def policy_visible(role_name, role, model, record, scope, world_map):
    """Whether ``role`` may see ``record`` of ``model`` (of lots and regions ``scope``), by POLICY."""
    if role_name in PORTAL:
        return model in PORTAL_OWN and portal_owns(role, record, model)
    if model == APPROVAL:
        levels = record.process_id.level_ids.mapped("group_id")
        return record.create_uid.id == role["uid"] or bool(set(levels.ids) & role["groups"])
    if scope is None:  # a model of no lot
        return True
    if role_name == "finance_A" and model in FINANCE_EVERYWHERE:
        return True
    lots, regions = scope
    if not lots and not regions:
        return model in SHARED_WHEN_UNPLACED
    return in_scope(role, lots, regions, world_map)


def role_reads(role_name, model):
    if role_name == "anonymous":
        return False
    if role_name in PORTAL:
        return model in PORTAL_OWN
    return model not in ADMIN_ONLY and model not in NOT_READABLE[role_name]


def simple_field(env, model):
    """A stored plain field to rewrite with its own value: the write is harmless, its refusal telling."""
    fields = env[model]._fields
    for name in ("name", "note", "description", "plate", "code"):
        field = fields.get(name)
        if field and field.store and not field.compute and not field.related and field.type in ("char", "text"):
            return name
    for name, field in sorted(fields.items()):
        if (field.store and not field.compute and not field.related and field.type in ("char", "text", "integer")
                and name not in ("id", "__last_update") and not field.groups):
            return name
    return None


def write_date(record):
    return record.write_date if "write_date" in record._fields else None


def expectations(env, world):
    """Per model: kind, write field, and per role the ids POLICY lets it see and a record it may not."""
    lots = env["ep.parking.lot"].with_context(active_test=False).search([])
    world_map = ({lot.id: lot.region_id.id for lot in lots}, region_ancestors(env))
    plan = {}
    for model in ep_models(env):
        Model = env[model]
        kind = "transient" if Model._transient else ("view" if not Model._auto else "model")
        paths = [] if model in SPANNING else scope_paths(env, model)
        records = Model.search([])
        scopes = {r.id: record_scope(r, paths) if paths or model == "ep.parking.lot" else None for r in records}
        per_role = {}
        for role_name in ROLES:
            role = world["roles"].get(role_name, {})
            if kind == "transient" or not role_reads(role_name, model):
                visible = set()
            else:
                visible = {r.id for r in records if policy_visible(role_name, role, model, r, scopes[r.id], world_map)}
            # out of reach: preferably a record of another lot or region, not one of no lot
            foreign = sorted((r.id for r in records if r.id not in visible),
                             key=lambda rid: (not any(scopes[rid] or ()), rid))
            shared = (PORTAL_OWN.get(model, ("",))[0] == "all" if role_name in PORTAL
                      else not paths and model != APPROVAL)
            target, target_open = (foreign[0], False) if foreign else (None, False)
            if not foreign and records and shared:  # a model of no lot: any record, seen by all
                target, target_open = records[0].id, True
            per_role[role_name] = {"visible": visible, "target": target, "target_open": target_open}
        field = simple_field(env, model) if kind == "model" else None
        values = {}
        for info in per_role.values():
            if info["target"]:
                record = Model.browse(info["target"])
                values[info["target"]] = (record[field] if field else None, write_date(record))
        plan[model] = {"kind": kind, "paths": paths, "field": field, "count": len(records), "roles": per_role,
                       "values": values}
    return plan


# --------------------------------------------------------------------------------------------- the RPC
class Session(JsonRpc):
    """A JSON-RPC session that answers (True, result) or (False, exception name)."""

    def attempt(self, model, method, args, kwargs=None):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "model": model, "method": method, "args": args, "kwargs": kwargs or {}}}).encode()
        request = urllib.request.Request(self.url + "/web/dataset/call_kw", body, {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=120) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            return False, answer["error"]["data"]["name"].rsplit(".", 1)[-1]
        return True, answer["result"]


REFUSALS = {"AccessError", "SessionExpiredException", "UserError", "ValidationError", "MissingError",
            "except_orm"}


def sweep_role(role_name, session, plan, context):
    """Every call of one role; returns {model: cell}."""
    cells = {}
    for model, info in plan.items():
        mine = info["roles"][role_name]
        cell = {}
        ok, result = session.attempt(model, "search_read", [[]], {"fields": ["id"], "context": context})
        cell["S"] = ("ok", {row["id"] for row in result}) if ok else (result, None)
        if role_name == "anonymous":
            cells[model] = cell
            continue
        target = mine["target"]
        if target and info["kind"] != "transient":
            ok, result = session.attempt(model, "read", [[target], ["display_name"]], {"context": context})
            cell["R"] = "ok" if ok else result
            if info["kind"] == "model":
                if info["field"]:
                    value = info["values"][target][0]
                    ok, result = session.attempt(model, "write", [[target], {info["field"]: value}],
                                                 {"context": context})
                    cell["W"] = "ok" if ok else result
                if mine["target_open"]:  # deleting a record the role may edit is not tried, only its right
                    ok, result = session.attempt(model, "check_access_rights", ["unlink"],
                                                 {"raise_exception": False})
                    cell["U"] = "right" if ok and result else "no right"
                else:
                    ok, result = session.attempt(model, "unlink", [[target]], {"context": context})
                    cell["U"] = "ok" if ok else result
        cells[model] = cell
    return cells


def expected_cell(role_name, model, plan):
    info = plan[model]
    mine = info["roles"][role_name]
    readable = role_reads(role_name, model) and info["kind"] != "transient"
    # transient records (wizards) are their creator's: every logged-in user searches them, finds none
    searches = role_reads(role_name, model) or (info["kind"] == "transient" and role_name != "anonymous")
    expected = {"S": ("ok", mine["visible"]) if searches else ("refused", None)}
    if role_name == "anonymous" or not mine["target"] or info["kind"] == "transient":
        return expected
    open_ = mine["target_open"] and readable
    expected["R"] = "ok" if open_ else "refused"
    if info["kind"] == "model":
        if info["field"]:
            expected["W"] = "ok" if open_ and model in WRITABLE_UNSCOPED.get(role_name, ()) else "refused"
        expected["U"] = "no right" if open_ else "refused"
    return expected


def outcome(value):
    if value in ("ok", "right", "no right"):
        return value
    return "refused" if value in REFUSALS else "ERROR %s" % value


def compare(role_name, model, cell, expected, later):
    """Differences between what the role got and what POLICY says, as readable strings. ``later`` is what
    POLICY grants in the database as it is after the calls: the server's crons may add or remove records
    meanwhile, so a record counts as seen wrongly if no state grants it, as missed if both do."""
    problems = []
    got_state, got_ids = cell["S"]
    want_state, want_ids = expected["S"]
    if want_state == "ok":
        if got_state != "ok":
            problems.append("search_read refused (%s), policy: %d records" % (got_state, len(want_ids)))
        else:
            hidden, missed = got_ids - (want_ids | later), (want_ids & later) - got_ids
            if hidden:
                problems.append("sees %d records POLICY hides, e.g. %s" % (len(hidden), sorted(hidden)[:5]))
            if missed:
                problems.append("misses %d records POLICY grants, e.g. %s" % (len(missed), sorted(missed)[:5]))
    elif got_state == "ok":
        problems.append("search_read answered %d records, policy: no access" % len(got_ids))
    elif outcome(got_state) != "refused":
        problems.append("search_read: %s" % got_state)
    for op in ("R", "W", "U"):
        if op in expected and outcome(cell.get(op)) != expected[op]:
            problems.append("%s: got %s, policy %s" % (op, cell.get(op), expected[op]))
    return ["%s x %s: %s" % (role_name, model, problem) for problem in problems]


def render(plan, results):
    width = max(len(model) for model in plan)
    lines = ["Access matrix: S = search_read (records seen / records in the database), R/W/U = read/write/unlink "
             "of a record out of the role's reach (+ done, - refused, r/n = has/has no unlink right on a model "
             "of no lot, . not tried)", ""]
    lines.append("%-*s  %s" % (width, "model [scope path]", "  ".join("%-16s" % role for role in ROLES)))
    for model, info in plan.items():
        row = []
        for role_name in ROLES:
            cell = results[role_name][model]
            state, ids = cell["S"]
            seen = ("%d/%d" % (len(ids), info["count"])) if state == "ok" else "-"
            marks = "".join({"ok": "+", "right": "r", "no right": "n", None: "."}.get(cell.get(op), "-")
                            for op in ("R", "W", "U"))
            row.append("%-16s" % ("%s %s" % (seen, marks)))
        scope = ",".join(info["paths"]) or ("(none)" if model != "ep.parking.lot" else "(itself)")
        lines.append("%-*s  %s  [%s%s]" % (width, model, "  ".join(row), info["kind"] + " " if info["kind"] != "model"
                                           else "", scope))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------- the sweep
def test_every_role_reaches_only_what_policy_grants(server_url, database, transaction, world):
    started = time.monotonic()
    with transaction(commit=False) as env:
        plan = expectations(env, world)
    assert len(plan) > 60, "the sweep found too few models: %s" % sorted(plan)
    context = {"lang": "en_US"}
    sessions = {}
    for role_name in ROLES:
        session = Session(server_url)
        if role_name != "anonymous":
            answer = session.login(database, world["roles"][role_name]["login"], PASSWORD)
            assert answer["uid"] == world["roles"][role_name]["uid"], role_name
        sessions[role_name] = session
    results, failures = {}, []

    def run(role_name):
        try:
            results[role_name] = sweep_role(role_name, sessions[role_name], plan, context)
        except Exception as error:  # noqa: BLE001 - reported below with the role
            failures.append("%s: %r" % (role_name, error))

    threads = [threading.Thread(target=run, args=(role_name,)) for role_name in ROLES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    matrix = render(plan, results)
    print(matrix)
    if os.environ.get("EP_STATE"):
        reports = Path(os.environ["EP_STATE"]) / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        (reports / "access_matrix.txt").write_text(matrix + "\n", encoding="utf-8")

    # nothing refused changed: every target is still there, with its value and write date
    changed = []
    with transaction(commit=False) as env:
        for model, info in plan.items():
            for record_id, (_value, written_at) in info["values"].items():
                record = env[model].browse(record_id)
                if not record.exists():
                    changed.append("%s,%s was deleted" % (model, record_id))
                elif write_date(record) != written_at and not any(
                        results[role][model].get("W") == "ok" for role in ROLES if role != "anonymous"):
                    changed.append("%s,%s was written" % (model, record_id))
    with transaction(commit=False) as env:
        later = expectations(env, world)
    mismatches = [problem for role_name in ROLES for model in plan
                  for problem in compare(role_name, model, results[role_name][model],
                                         expected_cell(role_name, model, plan),
                                         later.get(model, plan[model])["roles"][role_name]["visible"])]
    print("\n%d models x %d roles in %.0f s" % (len(plan), len(ROLES), time.monotonic() - started))
    assert not mismatches + changed, "\n".join(mismatches + changed)


# --------------------------------------------------------------------------------------- vendor tokens
def test_vendor_token_cannot_report_for_another_vendors_lot(server_url, transaction):
    """Vendor A's token on vendor B's lot: every door of the vendor API answers 403 with a JSON reason
    and writes nothing; B's own token on the same lot is served (ep_parking's test_vendor_api tries a
    lot served by no vendor, the bad tokens and the bad payloads)."""
    tag = secrets.token_hex(3)
    tokens, lots = {}, {}
    with transaction() as env:
        division = env.ref("ep_parking.division_shanghai_demo")
        for key in ("a", "b"):
            vendor = env["ep.parking.vendor"].create({"name": "Sweep vendor %s %s" % (key, tag),
                                                      "code": "sweep-%s-%s" % (key, tag), "kind": "local"})
            tokens[key] = "sweep-vendor-token-%s-%s" % (key, secrets.token_hex(12))
            vendor.set_api_token(tokens[key])
            lot = env["ep.parking.lot"].create({"name": "Sweep lot %s %s" % (key, tag),
                                                "code": "SWEEP-%s-%s" % (key.upper(), tag.upper()),
                                                "region_id": division.id, "vendor_local_id": vendor.id})
            gate = env["ep.device"].create({"name": "Sweep gate %s" % key, "code": "gate-in-1", "lot_id": lot.id,
                                            "kind": "gate", "direction": "in",
                                            "mqtt_username": "sweep-%s-%s.gate-in-1" % (key, tag)})
            lots[key] = {"id": lot.id, "code": lot.code, "gate": gate.id}
    lot_b = lots["b"]["code"]

    def post(endpoint, body, token):
        answer = requests.post("%s/ep/api/v1/%s" % (server_url, endpoint), data=json.dumps(body), timeout=120,
                               headers={"Content-Type": "application/json", "Authorization": "Bearer %s" % token})
        return answer.status_code, answer.json()

    passage = {"event_id": "sweep-%s" % tag, "lot": lot_b, "plate": "粤B12345", "direction": "in",
               "gate": "gate-in-1", "time": "2024-05-01 08:00:00", "vehicle_kind": "temp"}
    refused = {
        "passages": post("passages", passage, tokens["a"]),
        "abnormal_openings": post("abnormal_openings", {
            "event_id": "sweep-ab-%s" % tag, "lot": lot_b, "gate": "gate-in-1", "kind": "system",
            "time": "2024-05-01 09:00:00", "reason": "sweep"}, tokens["a"]),
        "heartbeat": post("heartbeat", {"lot": lot_b, "devices": ["gate-in-1"]}, tokens["a"]),
    }
    fee = requests.get("%s/ep/api/v1/fee" % server_url, params={"lot": lot_b, "plate": "粤B12345"}, timeout=120,
                       headers={"Authorization": "Bearer %s" % tokens["a"]})
    refused["fee"] = (fee.status_code, fee.json())
    for endpoint, (status, answer) in refused.items():
        assert (status, answer["result"]) == (403, 40301), (endpoint, status, answer)
        assert lot_b in answer["message"], (endpoint, answer)

    def written(env):
        return (env["ep.parking.passage"].search_count([("lot_id", "=", lots["b"]["id"])]),
                env["ep.parking.abnormal.opening"].search_count([("lot_id", "=", lots["b"]["id"])]),
                env["ep.device"].browse(lots["b"]["gate"]).online)

    with transaction(commit=False) as env:
        assert written(env) == (0, 0, False)
    status, answer = post("passages", passage, tokens["b"])
    assert (status, answer["result"]) == (200, 0), answer
    with transaction(commit=False) as env:
        assert written(env) == (1, 0, False)


# ---------------------------------------------------------------------------------- merchant M2's ids
def test_merchant_issuer_cannot_touch_another_merchants_records(server_url, transaction, world):
    """M1's issuer with M2's limit and campaign: the portal page and the JSON API answer 404 and M2's
    records stay. (ep_coupon's test_another_merchant_is_refused tries the API's revoke, limit, campaign
    and issue endpoints with a rival merchant's ids; test_owner_access every route as a non-issuer.)"""
    from test_owner_access import log_in

    assert world["m2_limit"] and world["m2_campaign"]
    session = log_in(server_url, world["roles"]["merchant_M1"]["login"], PASSWORD, "Sweep merchant_M1")
    api = server_url + "/ep/coupon/api/v1/"
    header = {"X-EP-Client": "access-sweep"}
    answers = {
        "portal limit delete": session.post("%s/my/coupons/limits/%s/delete" % (server_url, world["m2_limit"]),
                                            data={"csrf_token": session.csrf}, timeout=120, allow_redirects=False),
        "portal campaign qr": session.get("%s/my/coupons/campaigns/%s/qr.png" % (server_url, world["m2_campaign"]),
                                          timeout=120, allow_redirects=False),
        "api limit delete": session.post("%slimits/%s/delete" % (api, world["m2_limit"]), headers=header,
                                         timeout=120),
        "api campaign close": session.post("%scampaigns/%s/close" % (api, world["m2_campaign"]), headers=header,
                                           timeout=120),
    }
    for label, answer in answers.items():
        assert answer.status_code == 404, (label, answer.status_code, answer.text[:300])
        if label.startswith("api"):
            assert answer.json()["error"], label
    own = session.get(api + "merchant", headers=header, timeout=120)
    assert own.status_code == 200 and own.json()["name"] != "", own.text[:300]
    with transaction(commit=False) as env:
        assert env["ep.coupon.limit"].browse(world["m2_limit"]).exists()
        assert env["ep.coupon.campaign"].browse(world["m2_campaign"]).active
