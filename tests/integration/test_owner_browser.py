"""The car owner's pages in a real browser (headless Chromium on a phone-sized window, Selenium)
against the running server and its demo data: the demo owner ``portal`` renews a month card, pays
parking from the lot's and the exit gate's QR codes, and invoices a paid order. Each flow pays at
the local test gateway and is checked on the page and in the database (``transaction``).

A screenshot of the page each test ends on (its last page, or where it failed) is left in
``$EP_STATE/reports/screenshots/<test name>.png``.

Demo data used: the portal user ``portal`` / ``portal`` and their month card 粤B20001 at SZ-001
(rule "地面 100", 100 a month), lot SZ-001 (scan to pay, WeChat Pay on the local test provider, the
seed tariff: 5.00 for the first 180 minutes, then 1.00 an hour), its exit gate ``gate-out-1`` and
its e-invoicing rule (self-invoicing). Cars and orders the tests need are made here, with plates of
their own, so the tests run again on the same database.
"""
import base64
import json
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from browser import close_browser, open_browser

PORTAL_LOGIN = PORTAL_PASSWORD = "portal"
LOT = "SZ-001"
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # no I, no O on plates


@pytest.fixture
def browser(server_url, tmp_path, request):
    """A fresh Chromium (new profile) on the server; screenshots its last page when the test ends."""
    chromium = open_browser(server_url, tmp_path)
    yield chromium
    close_browser(chromium, request.node.name)


# ---------------------------------------------------------------- helpers
def money(value):
    return "%.2f" % Decimal(str(value))


def to_decimal(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


def unique_plate(env, province="粤"):
    """A plate the database has never seen: no passage, order, month card or list entry (the tests
    run again on the same database; a month card or a list would change the fee)."""
    while True:
        plate = province + "B" + "".join(secrets.choice(PLATE_CHARS) for _ in range(5))
        if not any(env[model].search_count([("plate", "=", plate)]) for model in (
                "ep.parking.passage", "ep.parking.order", "ep.monthcard", "ep.parking.list.entry")):
            return plate


def enter_lot(env, lot, plate, minutes):
    """``plate`` drove into ``lot`` ``minutes`` ago (an entry passage, as a camera reports it)."""
    when = datetime.utcnow() - timedelta(minutes=minutes)
    return env["ep.parking.passage"].create({
        "lot_id": lot.id, "plate": plate, "direction": "in", "gate_code": "gate-in-1",
        "passage_time": when.strftime("%Y-%m-%d %H:%M:%S"), "event_ref": "browser-%s" % secrets.token_hex(6)})


def gateway_channel(env):
    """The online channel paid at the local test gateway (WeChat Pay on the demo)."""
    channel = env.ref("ep_parking.payment_method_wechat")
    assert channel.online and channel.provider == "test", "WeChat Pay should use the local test provider"
    return channel


def choose_channel(browser, form, channel_id):
    radios = browser.find_all('input[name="channel_id"][value="%s"]' % channel_id, form)
    offered = [radio.get_attribute("value") for radio in browser.find_all('input[name="channel_id"]', form)]
    assert radios, "the test gateway's channel %s is not offered (channels %s) %s" % (
        channel_id, offered, browser.describe())
    browser.tick(radios[0])


def pay_at_test_gateway(browser, amount):
    """On the local test gateway's checkout: the amount, then "Pay" (the notifying one)."""
    token = browser.wait_path(r"^/ep/pay/test/([^/]+)$").group(1)
    assert money(amount) in browser.text(), "the gateway should ask for %s %s" % (money(amount), browser.describe())
    pay_forms = [form for form in browser.forms("/ep/pay/test/%s/pay" % token, "post")
                 if browser.find_all('input[name="notify"][value="1"]', form)]
    assert pay_forms, "no Pay form on the test gateway %s" % browser.describe()
    browser.submit(pay_forms[0])
    return token


def pay_plate_form(browser, plate, amount, channel_id, **hidden):
    """Pay the plate page's fee form (its hidden fields as given) at the test gateway: the order's id."""
    pay_form = browser.form("/ep/pay/plate", "post", timeout=60)
    assert browser.find('input[name="plate"]', pay_form).get_attribute("value") == plate
    for name, value in hidden.items():
        assert browser.find('input[name="%s"]' % name, pay_form).get_attribute("value") == value, name
    assert money(amount) in browser.submit_button(pay_form).text
    choose_channel(browser, pay_form, channel_id)
    browser.submit(pay_form)
    pay_at_test_gateway(browser, amount)
    return int(browser.wait_path(r"^/ep/pay/order/(\d+)$").group(1))


def assert_paid_order_page(browser, order_id, paid):
    """The order page after paying: no way back to the checkout or to "check again", the order's
    number, amount and payment time (shown in China's time)."""
    text = browser.text()
    for action in ("checkout", "check"):
        assert not browser.forms("/ep/pay/order/%s/%s" % (order_id, action)), "the order is not paid: %s" % text
    for value in (paid["name"], money(paid["amount"]), paid["paid_at_shown"]):
        assert value in text, "the paid order's page should show %s: %s" % (value, text)


def order_values(env, order_id):
    order = env["ep.parking.order"].browse(order_id)
    return {"state": order.state, "kind": order.kind, "amount": to_decimal(order.amount), "plate": order.plate,
            "lot": order.lot_id.code, "channel": order.channel_id.id, "partner": order.partner_id.id,
            "paid_at": bool(order.paid_at), "move": bool(order.move_id), "gate": order.gate_id.id,
            "entry_passage": order.entry_passage_id.id, "name": order.name,
            "paid_at_shown": env["ep.parking.unplated"].with_context(tz="Asia/Shanghai")._format_time(order.paid_at)}


# ---------------------------------------------------------------- 1. month card renewal
def test_owner_renews_month_card_at_test_gateway(browser, transaction):
    periods = 2  # not the page's default (1): the period list must be used
    with transaction(commit=False) as env:
        card = env.ref("ep_monthcard.monthcard_portal_sz001_demo")
        portal_id = env.ref("base.partner_demo_portal").id
        assert card.partner_id.id == portal_id and card.plate == "粤B20001"
        Renewal = env["ep.monthcard.renewal"]
        quote, discount = Renewal._quote_card(card, periods)
        assert not discount, "no offer applies to %d months (the demo's needs 12)" % periods
        card_id, old_end, price = card.id, card.date_end, to_decimal(card.rule_id.price)
        new_end, new_end_shown = Renewal._to_utc_string(quote.end), quote.end.strftime("%Y-%m-%d %H:%M")
        amount = to_decimal(quote.amount)
        channel_id = gateway_channel(env).id
        renewals_before = Renewal.search([("card_id", "=", card_id)]).ids
    assert amount == price * periods, "%d months of a %s card" % (periods, price)
    assert new_end > old_end

    browser.login(PORTAL_LOGIN, PORTAL_PASSWORD)
    browser.open("/my/monthcards")
    renew_path = "/my/monthcards/%d/renew" % card_id
    link = browser.element('a[href="%s"]' % renew_path, "no renew button for the card 粤B20001")
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    browser.wait_path("^%s$" % renew_path)

    # the number of months: the page quotes it again (today the list submits its form)
    browser.choose(browser.element('select[name="periods"]'), periods)

    def quoted(driver):
        for form in browser.forms(renew_path, "post"):
            hidden = browser.find_all('input[name="periods"]', form)
            if hidden and hidden[0].get_attribute("value") == str(periods):
                return form
        return None

    pay_form = browser.poll(quoted, 10)
    if not pay_form:  # no automatic quote: press the periods form's own button
        browser.submit(browser.form(renew_path, "get"))
        pay_form = browser.wait(quoted, "the page did not quote %d months" % periods)
    browser.wait_ready()
    text = browser.text()
    assert new_end_shown in text, "the page should show the new end %s: %s" % (new_end_shown, text)
    pay_button = browser.submit_button(pay_form)
    assert money(amount) in pay_button.text, pay_button.text
    choose_channel(browser, pay_form, channel_id)
    browser.submit(pay_form)

    pay_at_test_gateway(browser, amount)
    order_id = int(browser.wait_path(r"^/ep/pay/order/(\d+)$").group(1))

    with transaction(commit=False) as env:
        order = order_values(env, order_id)
        renewal = env["ep.monthcard.renewal"].search([("order_id", "=", order_id)])
        card = env["ep.monthcard"].browse(card_id)
        assert renewal and renewal.id not in renewals_before
        assert (renewal.card_id.id, renewal.quantity, renewal.source, renewal.state) == (
            card_id, periods, "online", "done")
        assert card.date_end == new_end, "the card should be valid until %s (was %s)" % (new_end, old_end)
        assert renewal.date_to == new_end
    assert order["state"] == "paid" and order["paid_at"] and order["move"], order
    assert (order["kind"], order["amount"], order["channel"], order["partner"]) == (
        "month_card", amount, channel_id, portal_id), order
    assert_paid_order_page(browser, order_id, order)

    # the card list shows the new end (as the page writes dates: its language, the owner's time zone
    # or else China's, like the controller)
    browser.open("/my/monthcards")
    with transaction(commit=False) as env:
        Shown = env["ir.qweb.field.datetime"].with_context(
            lang=browser.lang(), tz=env.ref("base.demo_user0").tz or "Asia/Shanghai")
        shown_end, shown_old_end = Shown.value_to_html(new_end, {}), Shown.value_to_html(old_end, {})
    text = browser.text()
    assert shown_end in text and shown_old_end not in text, "expected %s (not %s) on %s" % (
        shown_end, shown_old_end, text)


# ---------------------------------------------------------------- 2. temporary parking from QR codes
def test_owner_pays_parking_from_lot_qr(browser, transaction):
    """Logged in, the owner scans the lot's QR code, types the plate, pays 7.00 (4 h 30 min)."""
    with transaction() as env:
        lot = env["ep.parking.lot"]._find_by_code(LOT)
        assert lot.scan_to_pay and lot.online_payment
        plate = unique_plate(env)
        passage = enter_lot(env, lot, plate, minutes=270)
        lot_id, passage_id, channel_id = lot.id, passage.id, gateway_channel(env).id
        portal_id = env.ref("base.partner_demo_portal").id
        amount = to_decimal(env["ep.parking.order"]._get_fee_quote(lot, plate)["amount_due"])
    assert amount == Decimal("7.00"), "4 h 30 min at SZ-001: 5.00 for 180 min, then 2 x 1.00"

    browser.login(PORTAL_LOGIN, PORTAL_PASSWORD)
    lot_path = "/ep/qr/l/%s" % LOT
    browser.open(lot_path)
    search = browser.form(lot_path, "post")
    browser.type_plate(search, plate)
    browser.submit(search)

    order_id = pay_plate_form(browser, plate, amount, channel_id, lot_id=str(lot_id))

    with transaction(commit=False) as env:
        order = order_values(env, order_id)
        lot = env["ep.parking.lot"].browse(lot_id)
        due_now = to_decimal(env["ep.parking.order"]._get_fee_quote(lot, plate)["amount_due"])
    assert_paid_order_page(browser, order_id, order)
    assert plate in browser.text()
    assert order["state"] == "paid" and order["paid_at"] and order["move"], order
    assert (order["kind"], order["lot"], order["plate"], order["amount"], order["channel"], order["partner"],
            order["entry_passage"], order["gate"]) == (
        "temporary", LOT, plate, amount, channel_id, portal_id, passage_id, False), order
    assert due_now == 0, "paid: nothing more is due within the grace period"

    # the same plate again: nothing to pay
    browser.open(lot_path)
    search = browser.form(lot_path, "post")
    browser.type_plate(search, plate)
    browser.submit(search)
    browser.wait(lambda d: plate in browser.text() and "0.00" in browser.text(), "the plate's fee after paying")
    assert not browser.forms("/ep/pay/plate", "post"), "paid already: no Pay button %s" % browser.describe()

    # the owner's orders list it (the page the test ends on)
    browser.open("/my/parking/orders")
    assert order["name"] in browser.text(), browser.describe()


def test_driver_pays_parking_at_exit_gate_qr(browser, transaction):
    """A driver (not logged in) scans the exit gate's QR code, takes the plate path, picks the province,
    pays; the paid order opens that gate (an open_gate command in its outbox)."""
    with transaction() as env:
        gate = env["ep.device"].search([("lot_id.code", "=", LOT), ("kind", "=", "gate"), ("direction", "=", "out")],
                                       limit=1)
        assert gate and gate.qr_token, "the demo lot %s should have an exit gate with a QR token" % LOT
        plate = unique_plate(env, province="湘")  # not the picker's default province
        passage = enter_lot(env, gate.lot_id, plate, minutes=270)
        gate_id, token, passage_id, channel_id = gate.id, gate.qr_token, passage.id, gateway_channel(env).id
        amount = to_decimal(env["ep.parking.order"]._get_fee_quote(gate.lot_id, plate)["amount_due"])
    assert amount == Decimal("7.00")

    gate_path = "/ep/qr/g/%s" % token
    browser.open(gate_path)
    plate_path = gate_path + "/plate"
    link = browser.element('a[href="%s"]' % plate_path, "no plate path on the exit gate's page")
    browser.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    browser.wait_path("^%s$" % plate_path)
    search = browser.form(plate_path, "post")
    browser.type_plate(search, plate)
    browser.submit(search)

    order_id = pay_plate_form(browser, plate, amount, channel_id, qr_token=token)

    with transaction(commit=False) as env:
        order = order_values(env, order_id)
        command = env["ep.parking.order"].browse(order_id).command_id
        command = {"device": command.device_id.id, "command": command.command, "args": json.loads(command.args or "{}")}
    assert order["state"] == "paid" and order["paid_at"] and order["move"], order
    assert (order["kind"], order["lot"], order["plate"], order["amount"], order["channel"], order["partner"],
            order["entry_passage"], order["gate"]) == (
        "temporary", LOT, plate, amount, channel_id, False, passage_id, gate_id), order
    assert (command["device"], command["command"], command["args"].get("plate")) == (
        gate_id, "open_gate", plate), command
    assert_paid_order_page(browser, order_id, order)


# ---------------------------------------------------------------- 3. self-invoicing
def test_owner_invoices_a_paid_order(browser, transaction):
    """The owner ticks a paid order, asks for a personal invoice by email, finds it under /my/einvoices;
    the invoice is issued with its PDF and the email (PDF attached) waits in the mail queue."""
    email = "browser-%s@example.com" % secrets.token_hex(4)
    buyer = "浏览器测试 %s" % secrets.token_hex(2)
    with transaction() as env:
        lot = env["ep.parking.lot"]._find_by_code(LOT)
        portal = env.ref("base.partner_demo_portal")
        cash = env.ref("ep_parking.payment_method_cash")
        order = env["ep.parking.order"].create({
            "kind": "temporary", "lot_id": lot.id, "amount": 23.0, "plate": unique_plate(env),
            "channel_id": cash.id, "partner_id": portal.id})
        order._set_paid("CASH-BROWSER-%s" % secrets.token_hex(6))
        assert order._is_invoiceable(), order._get_invoice_problem()
        assert lot._get_einvoice_rule().self_invoicing
        order_id, order_name, amount = order.id, order.name, to_decimal(order.amount)

    browser.login(PORTAL_LOGIN, PORTAL_PASSWORD)
    browser.open("/my/parking/orders")
    box = browser.element('input[name="order_ids"][value="%d"]' % order_id,
                          "no tick box for the paid order %s (newest first on the first page)" % order_name)
    browser.tick(box)
    browser.submit(browser.form("/my/einvoice/new", "get"))

    browser.wait_path("^/my/einvoice/new$")
    request_form = browser.form("/my/einvoice/new", "post")
    ticked = [field.get_attribute("value") for field in browser.find_all('input[name="order_ids"]', request_form)]
    assert ticked == [str(order_id)], ticked
    text = browser.text()
    assert order_name in text and money(amount) in text, text
    browser.tick(browser.find('input[name="buyer_kind"][value="personal"]', request_form))
    browser.fill(browser.find('input[name="buyer_name"]', request_form), buyer)
    browser.fill(browser.find('input[name="buyer_email"]', request_form), email)
    browser.submit(request_form)

    browser.wait_path(r"^/my/einvoices(/\d+)?$")
    with transaction(commit=False) as env:
        invoice = env["ep.parking.order"].browse(order_id).einvoice_id
        assert invoice, "the order %s is on no invoice %s" % (order_name, browser.describe())
        invoice_id, number = invoice.id, invoice.number
        assert (invoice.state, invoice.buyer_personal, invoice.buyer_name, invoice.buyer_email, invoice.origin) == (
            "issued", True, buyer, email, "owner"), (invoice.state, invoice.error)
        assert invoice.requested_by_id == env.ref("base.partner_demo_portal")
        assert to_decimal(invoice.amount_total) == amount and invoice.order_ids.ids == [order_id]
        assert invoice.pdf_id and base64.b64decode(invoice.pdf_id.datas)[:4] == b"%PDF"
        mails = env["mail.mail"].search([("model", "=", "ep.einvoice.invoice"), ("res_id", "=", invoice_id)])
        assert mails, "no email queued for the invoice %s" % number
        assert any(email in (mail.email_to or "") for mail in mails), mails.mapped("email_to")
        attached = mails.mapped("attachment_ids").filtered(lambda a: a.mimetype == "application/pdf")
        assert attached and base64.b64decode(attached[0].datas)[:4] == b"%PDF", "the email carries no PDF"
    assert number and number in browser.text(), browser.describe()

    # the PDF downloads in the owner's session
    pdf = browser.fetch("/my/einvoices/%d/pdf" % invoice_id)
    assert (pdf["status"], pdf["type"], pdf["head"][:4]) == (200, "application/pdf", "%PDF"), pdf

    # the list of invoices holds it (the page the test ends on)
    browser.open("/my/einvoices")
    assert browser.has('a[href="/my/einvoices/%d"]' % invoice_id), browser.describe()
    assert number in browser.text()
