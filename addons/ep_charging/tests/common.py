import itertools
import json
import os

from odoo.addons.ep_parking.tests.common import EpParkingLotCase

EVENT_IDS = itertools.count(int.from_bytes(os.urandom(3), "big"))

SEED_SEGMENTS = [("flat", "00:00", 0.8), ("peak", "10:00", 0.9), ("sharp", "17:00", 1.0), ("valley", "22:00", 0.5)]


class EpChargingCase(EpParkingLotCase):
    """The lot of EpParkingLotCase with the seed TOU tariff (service 0.4), a station and an AC pile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tariff = cls.env["ep.charging.tariff"].create({"name": "Seed TOU", "segment_ids": [
            (0, 0, {"kind": kind, "start": start, "electricity": price, "service": 0.4})
            for kind, start, price in SEED_SEGMENTS]})
        cls.station = cls.env["ep.charging.station"].create({
            "name": "Test station", "code": "T-CS-1", "lot_id": cls.lot.id, "tariff_id": cls.tariff.id})
        cls.charger = cls.env["ep.charging.charger"].create({
            "station_id": cls.station.id, "code": "YKCT0001", "model": "YKC", "current_type": "ac"})

    def report(self, kind, at, charger=None, **fields):
        return report_event(self.env, charger or self.charger, kind, at, **fields)


def report_event(env, charger, kind, at, **fields):
    """``charger`` reports ``kind`` at ``at`` (a naive UTC datetime) through the bridge's ingestion."""
    payload = dict(fields, event_id="t-%s" % next(EVENT_IDS), type=kind)
    Event = env["ep.device.event"]
    ids = Event._ingest([{"site_code": charger.site_code, "device_code": charger.code,
                          "event_id": payload["event_id"], "event_type": kind,
                          "device_ts": at.strftime("%Y-%m-%d %H:%M:%S"), "payload": json.dumps(payload)}])
    events = Event.browse(list(ids))
    events._dispatch()
    return events
