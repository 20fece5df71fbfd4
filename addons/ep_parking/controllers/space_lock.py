"""Space locks for owners and drivers (seed 000 §2.5.2, §2.6).

``/ep/lock/<token>`` is the lock's QR page (or reached from ``/my/locks`` by the lock code): raise or
lower it (checked by the lock's grants and the "lowered by another" rule), see what the lock
answered, rent it for a deposit when it is shared for pay and "stop using" it (the deposit comes
back). ``/my/locks`` lists the user's locks and lets owners share theirs free with a month-card
car. ``/ep/lot/<code>/reserve`` is a lot's paid reservation entry (预约进场).
"""
import werkzeug

from odoo import _, fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from ..models.ep_parking_tariff import from_lot_time, monetary_to_decimal
from .payment import current_payer, offered_channels, order_url, public_env, undo_request

LOCK_PAGE = "ep_parking.space_lock_page"


def parse_local(value):
    """A ``datetime-local`` form value (lot time) as a stored UTC string, or None."""
    try:
        moment = fields.Datetime.from_string((value or "").replace("T", " ")[:16] + ":00")
    except ValueError:
        return None
    return fields.Datetime.to_string(from_lot_time(moment)) if moment else None


def my_lock_grants():
    """The enabled lock grants of the logged-in user (by their contact or phone)."""
    partner = public_env()["res.partner"].browse(request.env.user.partner_id.id)
    return public_env()["ep.parking.space.lock.grant"]._for_partner(partner)


class SpaceLockHome(CustomerPortal):

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        grants = my_lock_grants()
        values["ep_lock_count"] = len(grants.mapped("lock_id") | public_env()["ep.parking.space.lock"].search(
            [("lot_id", "in", grants.filtered(lambda g: g.role == "admin").mapped("lot_id").ids)]))
        return values


class SpaceLockPortal(http.Controller):

    def _lock(self, token):
        try:
            return public_env()["ep.parking.space.lock"]._find(token=token)
        except UserError:
            raise werkzeug.exceptions.NotFound() from None

    def _lock_values(self, lock, **values):
        partner = current_payer()
        Share = lock.env["ep.parking.lock.share"]
        share = Share.search([("lock_id", "=", lock.id), ("partner_id", "=", partner.id),
                              ("state", "in", ("unpaid", "in_use", "stopping"))], limit=1) if partner else Share
        operation = lock.env["ep.parking.space.lock.operation"].search(
            [("lock_id", "=", lock.id), ("partner_id", "=", partner.id)], limit=1) if partner else None
        return dict(values, lock=lock, lot=lock.lot_id, share=share, operation=operation, payer=partner,
                    channels=offered_channels(lock.lot_id, monetary_to_decimal(lock.lot_id.share_deposit),
                                              partner, kind="deposit") if lock.paid_sharing else [],
                    deposit=lock.lot_id.share_deposit, currency=lock.lot_id.currency_id)

    @http.route("/ep/lock/<string:token>", type="http", auth="user", website=True, methods=["GET"])
    def lock_page(self, token, **kwargs):
        return request.render(LOCK_PAGE, self._lock_values(self._lock(token)))

    @http.route("/ep/lock/<string:token>/<any(raise,lower):action>", type="http", auth="user", website=True,
                methods=["POST"])
    def lock_operate(self, token, action, **kwargs):
        lock = self._lock(token)
        try:
            # _operate checks the user's grants (staff: the lot's admin role)
            lock._operate(action, partner=current_payer(), user=request.env.user)
        except (AccessError, UserError) as exc:
            undo_request(request.env)
            return request.render(LOCK_PAGE, self._lock_values(lock, error=exc.name), status=403)
        return request.redirect("/ep/lock/%s" % token)

    @http.route("/ep/lock/<string:token>/share", type="http", auth="user", website=True, methods=["POST"])
    def lock_share(self, token, plate="", channel_id="", **kwargs):
        """付费共享: pay the deposit; the lock lowers once it is paid."""
        lock = self._lock(token)
        values = self._lock_values(lock)
        channel = [c for c in values["channels"] if str(c.id) == channel_id]
        try:
            if not channel:
                raise UserError(_("Please choose how to pay."))
            share = lock.env["ep.parking.lock.share"]._start(lock, plate, channel[0], partner=current_payer())
            status_url = order_url(share.order_id)
            checkout_url = share.order_id.action_start_payment(status_url)
        except (UserError, ValidationError) as exc:
            undo_request(request.env)
            return request.render(LOCK_PAGE, self._lock_values(lock, error=exc.name), status=400)
        return request.redirect(checkout_url or status_url)

    @http.route("/ep/lock/<string:token>/stop", type="http", auth="user", website=True, methods=["POST"])
    def lock_stop(self, token, **kwargs):
        """停止使用: the payer raises the lock; the deposit comes back when it has raised."""
        lock = self._lock(token)
        share = self._lock_values(lock)["share"]
        if not share or share.state not in ("in_use", "stopping"):
            return request.render(LOCK_PAGE, self._lock_values(
                lock, error=_("You have no sharing order in use on this lock.")), status=400)
        share.action_stop()
        return request.redirect("/ep/lock/%s" % token)

    # ------------------------------------------------------------ my locks, free sharing
    def _my_locks(self):
        grants = my_lock_grants()
        locks = grants.mapped("lock_id") | public_env()["ep.parking.space.lock"].search(
            [("lot_id", "in", grants.filtered(lambda g: g.role == "admin").mapped("lot_id").ids)])
        return grants, locks

    @http.route("/my/locks", type="http", auth="user", website=True, methods=["GET"])
    def my_locks(self, lock_code=None, **kwargs):
        if lock_code:
            try:
                return request.redirect(public_env()["ep.parking.space.lock"]._find(lock_code=lock_code)
                                        ._get_portal_url())
            except UserError as exc:
                return self._render_my_locks(error=exc.name)
        return self._render_my_locks()

    def _render_my_locks(self, status=200, **values):
        grants, locks = self._my_locks()
        owned = grants.filtered(lambda g: g.role == "owner").mapped("lock_id")
        shares = public_env()["ep.parking.space.lock.grant"].with_context(active_test=False).search(
            [("shared_by_id", "=", request.env.user.partner_id.id)])
        return request.render("ep_parking.portal_my_locks", dict(
            values, grants=grants, locks=locks, owned=owned, shares=shares, page_name="ep_locks"), status=status)

    @http.route("/my/locks/share", type="http", auth="user", website=True, methods=["POST"])
    def my_locks_share(self, lock_id="", plate="", phone="", date_start="", date_end="", **kwargs):
        """免费共享: the owner shares their lock with a month-card car of the lot for a window."""
        lock = public_env()["ep.parking.space.lock"].browse(int(lock_id) if lock_id.isdigit() else 0).exists()
        if lock and lock not in self._my_locks()[1]:
            raise werkzeug.exceptions.NotFound()  # someone else's lock: as if it did not exist
        try:
            if not lock:
                raise UserError(_("Choose your space lock."))
            lock.env["ep.parking.space.lock.grant"]._share_free(
                lock, plate, phone, parse_local(date_start), parse_local(date_end), owner=current_payer())
        except (UserError, ValidationError) as exc:
            undo_request(request.env)
            return self._render_my_locks(error=exc.name, status=400)
        return request.redirect("/my/locks")

    # ------------------------------------------------------------ paid reservation entry (§2.6.3)
    def _reserve_lot(self, code):
        lot = public_env()["ep.parking.lot"].search([("code", "=", code)], limit=1)
        if not lot or not lot.reservation_entry:
            raise werkzeug.exceptions.NotFound()
        return lot

    def _reserve_values(self, lot, **values):
        channels = offered_channels(lot, monetary_to_decimal(lot.reservation_fee) or 1, current_payer(),
                                    kind="reservation")
        return dict(values, lot=lot, channels=channels, currency=lot.currency_id, payer=current_payer())

    @http.route("/ep/lot/<string:code>/reserve", type="http", auth="public", website=True, methods=["GET"])
    def reserve_page(self, code, **kwargs):
        return request.render("ep_parking.reservation_entry_page", self._reserve_values(self._reserve_lot(code)))

    @http.route("/ep/lot/<string:code>/reserve", type="http", auth="public", website=True, methods=["POST"])
    def reserve(self, code, plate="", date_start="", date_end="", channel_id="", **kwargs):
        lot = self._reserve_lot(code)
        values = self._reserve_values(lot, plate=plate, date_start=date_start, date_end=date_end)
        channel = values["channels"].filtered(lambda c: str(c.id) == channel_id)
        try:
            if not channel:
                raise UserError(_("Please choose how to pay."))
            share = lot.env["ep.parking.virtual.share"]._request(
                lot, plate, parse_local(date_start), parse_local(date_end), channel, partner=current_payer())
            status_url = order_url(share.order_id)
            checkout_url = share.order_id.action_start_payment(status_url)
        except (UserError, ValidationError) as exc:
            undo_request(request.env)
            values["error"] = exc.name
            return request.render("ep_parking.reservation_entry_page", values, status=400)
        return request.redirect(checkout_url or status_url)
