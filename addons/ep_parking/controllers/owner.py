"""The car owner's own pages on the portal (seed 000: the owner app's personal centre).

- ``/my`` home: the owner's cards (vehicles, orders, reservations, and what the other EP addons add
  through ``ep_parking.portal_my_home`` inheritance), in ``ep_parking.owner_layout``;
- ``/my/vehicles``: my vehicles (§2.10.2 车辆), add one with the province picker, remove one;
- ``/my/reservations``: free entry reservations (§2.2.6 B): book a window for a plate at a lot,
  follow its state, cancel it while it has not ended (§2.2.6 B c).

Vehicles and reservations are read as the user (portal record rules: own partner only); what the
owner writes goes through sudo() once the record is known to be theirs (they have no write access).
"""
import werkzeug

from odoo import SUPERUSER_ID, _, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..lib.plate import is_valid_plate, join_plate
from .payment import shown_sudo, undo_request
from .portal import readable_count
from .space_lock import parse_local

MAX_VEHICLES = 10


def owner_sudo_env():
    # sudo: portal owners have read access to their own rows only; writes happen after that check
    return request.env(user=SUPERUSER_ID)


def find_own_or_404(model, record_id, domain):
    """The record ``record_id`` of ``model`` within ``domain`` (the user's own rows); else 404, as if
    someone else's record did not exist."""
    record = model.search([("id", "=", record_id)] + domain, limit=1)
    if not record:
        raise werkzeug.exceptions.NotFound()
    return record


class OwnerPortal(CustomerPortal):

    # ------------------------------------------------------------ helpers
    def _get_vehicle_domain(self):
        return [("partner_id", "=", request.env.user.partner_id.id)]

    def _get_reservation_domain(self):
        return [("partner_id", "=", request.env.user.partner_id.id)]

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # read as the user: the portal record rules keep to the user's own rows
        values["ep_vehicle_count"] = readable_count(request.env["ep.parking.vehicle"], self._get_vehicle_domain())
        values["ep_reservation_count"] = readable_count(request.env["ep.parking.reservation"],
                                                        self._get_reservation_domain())
        return values

    def _own_record(self, model, record_id, domain):
        return find_own_or_404(request.env[model], record_id, domain)

    # ------------------------------------------------------------ home
    @http.route()
    def home(self, **kw):
        response = super().home(**kw)
        response.qcontext["page_name"] = "home"
        return response

    # ------------------------------------------------------------ vehicles
    def _render_vehicles(self, error=None, info=None, plate=""):
        values = self._prepare_portal_layout_values()
        vehicles = request.env["ep.parking.vehicle"].search(self._get_vehicle_domain())
        values.update(page_name="ep_vehicles", vehicles=vehicles, error=error, info=info, plate=plate,
                      kinds=vehicles._fields["kind"]._description_selection(request.env))
        return request.render("ep_parking.portal_my_vehicles", values)

    @http.route("/my/vehicles", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_vehicles(self, **kw):
        return self._render_vehicles()

    @http.route("/my/vehicles/add", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_vehicles_add(self, plate_province="", plate="", kind="small", **kw):
        plate = join_plate(plate_province, plate)
        partner = request.env.user.partner_id
        env = owner_sudo_env()
        Vehicle = env["ep.parking.vehicle"].with_context(active_test=False)
        error = None
        if not is_valid_plate(plate, allow_unplated=False):
            error = _("%s is not a valid licence plate.") % (plate or _("(empty)"))
        elif kind not in dict(Vehicle._fields["kind"].selection):
            error = _("Choose the kind of the vehicle.")
        elif request.env["ep.parking.vehicle"].search_count(self._get_vehicle_domain()) >= MAX_VEHICLES:
            error = _("You may register at most %s vehicles.") % MAX_VEHICLES
        if error:
            return self._render_vehicles(error=error, plate=plate)
        vehicle = Vehicle.search([("plate", "=", plate)], limit=1)
        if vehicle and vehicle.partner_id and vehicle.partner_id.id != partner.id:
            return self._render_vehicles(plate=plate, error=_(
                "The plate %s is registered to another owner: ask the lot staff to move it to you.") % plate)
        vals = {"partner_id": partner.id, "active": True, "kind": kind,
                "phone": vehicle.phone or partner.mobile or partner.phone}
        if vehicle:
            vehicle.write(vals)
        else:
            env["ep.parking.vehicle"].create(dict(vals, plate=plate))
        return self._render_vehicles(info=_("%s is one of your vehicles now.") % plate)

    @http.route("/my/vehicles/<int:vehicle_id>/remove", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_vehicles_remove(self, vehicle_id, **kw):
        vehicle = self._own_record("ep.parking.vehicle", vehicle_id, self._get_vehicle_domain())
        plate = vehicle.plate
        vehicle.sudo().write({"partner_id": False})  # sudo: the vehicle is the user's (checked above)
        return self._render_vehicles(info=_("%s is no longer one of your vehicles.") % plate)

    # ------------------------------------------------------------ reservations
    def _reservation_lots(self):
        # sudo: owners do not read lots; the names of the lots in service are public (QR pages)
        return owner_sudo_env()["ep.parking.lot"].search([("active", "=", True)], order="name")

    def _render_reservations(self, error=None, info=None, form=None, status=200):
        values = self._prepare_portal_layout_values()
        reservations = request.env["ep.parking.reservation"].search(self._get_reservation_domain(), limit=50)
        vehicles = request.env["ep.parking.vehicle"].search(self._get_vehicle_domain())
        form = form or {}
        values.update(page_name="ep_reservations", reservations=shown_sudo(reservations), error=error, info=info,
                      lots=self._reservation_lots(), form=form, plate=form.get("plate") or vehicles[:1].plate,
                      cancellable=set(reservations._get_owner_cancellable().ids))
        # sudo on the list: the lots' names, which portal users may not read on the lot itself
        return request.render("ep_parking.portal_my_reservations", values, status=status)

    @http.route("/my/reservations", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_reservations(self, **kw):
        return self._render_reservations()

    @http.route("/my/reservations/new", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_reservations_new(self, lot_id="", plate_province="", plate="", date_start="", date_end="",
                                   note="", **kw):
        plate = join_plate(plate_province, plate)
        form = {"lot_id": lot_id, "plate": plate, "date_start": date_start, "date_end": date_end, "note": note}
        lot = self._reservation_lots().filtered(lambda candidate: str(candidate.id) == lot_id)
        start, end = parse_local(date_start), parse_local(date_end)
        error = None
        if not lot:
            error = _("Choose a lot.")
        elif not is_valid_plate(plate):
            error = _("%s is not a valid licence plate.") % (plate or _("(empty)"))
        elif not (start and end):
            error = _("Give the start and the end of the reservation.")
        if error:
            return self._render_reservations(error=error, form=form)
        partner = owner_sudo_env()["res.partner"].browse(request.env.user.partner_id.id)
        try:
            reservation = owner_sudo_env()["ep.parking.reservation"]._request(
                lot, partner, plate, start, end, note=note or None)
        except (UserError, ValidationError) as exc:
            undo_request(request.env)
            return self._render_reservations(error=exc.name, form=form)
        state = dict(reservation._fields["state"]._description_selection(request.env))[reservation.state]
        return self._render_reservations(info=_("Your reservation for %(plate)s is %(state)s.") % {
            "plate": reservation.plate, "state": state})

    @http.route("/my/reservations/<int:reservation_id>/cancel", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_my_reservations_cancel(self, reservation_id, **kw):
        reservation = self._own_record("ep.parking.reservation", reservation_id, self._get_reservation_domain())
        try:
            # sudo: the reservation is the user's (checked above); owners may not write reservations
            reservation.sudo().action_cancel_owner()
        except UserError as exc:
            undo_request(request.env)
            return self._render_reservations(error=exc.name)
        return self._render_reservations(info=_("The reservation of %s is cancelled.") % reservation.plate)
