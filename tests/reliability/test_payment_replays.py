"""Issue 14 item 2: the gateway's notifications of month-card renewals, each replayed 3 times, all at
once against the real server: one renewal done, one journal entry and one extension per payment."""
import threading

from faults import RetryingPoster, Stopwatch, seeded_rng, size

PAYMENTS = size(15, 200)
REPLAYS = 3
SENDERS = 12


def prepare_renewals(transaction, count):
    """Month cards with an online renewal paid at the (local test) gateway: the notifications to send."""
    from odoo.addons.ep_monthcard.tests.common import card_with_paid_renewal

    prepared = []
    with transaction() as env:
        env = env(context={"tracking_disable": True})
        rule = env.ref("ep_monthcard.monthcard_rule_sz001_ground_demo")
        env.cr.execute("SELECT COALESCE(max(id), 0) FROM ep_monthcard")
        offset = env.cr.fetchone()[0]
        for index in range(count):
            card, renewal, payload = card_with_paid_renewal(rule, "京Y%05d" % ((offset + index) % 100000),
                                                            "T-REL-%d-%d" % (offset, index))
            prepared.append({"payload": payload, "order": renewal.order_id.name, "card": card.id,
                             "renewal": renewal.id, "end": card.date_end})
    return prepared


def test_replayed_callbacks_renew_once(transaction, server):
    rng = seeded_rng("payment replays")
    prepared = prepare_renewals(transaction, PAYMENTS)
    calls = [item for item in prepared for _ in range(REPLAYS)]
    rng.shuffle(calls)
    poster = RetryingPoster(server.url + "/ep/api/v1/payment/notify/test")
    answers, start = [], threading.Barrier(SENDERS)

    def send(share):
        start.wait()
        for item in share:
            status, answer = poster.post(item["payload"])
            answers.append((item["order"], status, answer.get("result"), answer.get("order"), answer.get("state")))

    clock = Stopwatch("payment replays (%d payments x %d)" % (PAYMENTS, REPLAYS))
    threads = [threading.Thread(target=send, args=(calls[index::SENDERS],)) for index in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    clock.mark("all answered", len(calls))

    assert sorted(answers) == sorted((item["order"], 200, 0, item["order"], "paid") for item in calls)
    with transaction(commit=False) as env:
        for item in prepared:
            renewal = env["ep.monthcard.renewal"].browse(item["renewal"])
            card = env["ep.monthcard"].browse(item["card"])
            assert (renewal.order_id.state, renewal.state) == ("paid", "done"), item["order"]
            assert env["account.move"].search_count([("ref", "=", item["order"])]) == 1, item["order"]
            assert env["ep.monthcard.renewal"].search_count([("card_id", "=", card.id), ("state", "=", "done")]) == 1
            assert card.date_end == renewal.date_to > item["end"], "extended once, to the renewal's end"
    clock.mark("checked: the gateway retried %d time(s) after a 5xx or no answer" % poster.retries)
