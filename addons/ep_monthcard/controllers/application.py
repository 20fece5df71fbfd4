"""Month-card applications on the portal (seed 000 §2.3.4 车主月卡申请).

- ``/my/monthcard/applications``: the owner's applications and their progress (待审核 /
  审核通过 / 审核不通过 with the reason).
- ``/my/monthcard/applications/<id>``: one application.
- ``/my/monthcard/applications/new``: plate → lot → phone code → address → ID photo → done.

Owners read their own applications (record rule); they neither create nor write them: the
model checks what they typed and creates the application for them (``_portal_prepare_vals``,
``_portal_create``).
"""
import werkzeug

from odoo import _, http
from odoo.addons.ep_parking.controllers.portal import readable_count
from odoo.addons.ep_parking.lib.plate import join_plate
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

APPLICATIONS_PER_PAGE = 20
FORM_FIELDS = ("plate", "lot_id", "phone", "address", "building", "room", "note")


class MonthcardApplicationPortal(CustomerPortal):

    def _get_application_domain(self):
        return [("partner_id", "=", request.env.user.partner_id.id)]

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # read as the user: the record rule limits portal users to their own applications
        values["ep_application_count"] = readable_count(request.env["ep.monthcard.application"],
                                                        self._get_application_domain())
        return values

    def _get_application_filters(self):
        return {
            "all": {"label": _("All"), "domain": []},
            "to_approve": {"label": _("Waiting Approval"), "domain": [("approval_state", "=", "to_approve")]},
            "approved": {"label": _("Approved"), "domain": [("approval_state", "=", "approved")]},
            "rejected": {"label": _("Rejected"), "domain": [("approval_state", "=", "rejected")]},
        }

    @http.route(["/my/monthcard/applications", "/my/monthcard/applications/page/<int:page>"], type="http",
                auth="user", website=True)
    def portal_my_monthcard_applications(self, page=1, state=None, **kw):
        values = self._prepare_portal_layout_values()
        Application = request.env["ep.monthcard.application"]
        filters = self._get_application_filters()
        state = state if state in filters else "all"
        domain = self._get_application_domain() + filters[state]["domain"]
        total = Application.search_count(domain)
        pager = portal_pager(url="/my/monthcard/applications", url_args={"state": state}, total=total, page=page,
                             step=APPLICATIONS_PER_PAGE)
        applications = Application.search(domain, limit=APPLICATIONS_PER_PAGE, offset=pager["offset"])
        values.update({
            # sudo: the search above ran as the user (own applications only); sudo shows the lot's
            # name, which portal users may not read on the lot itself.
            "applications": applications.sudo(), "pager": pager, "filters": filters, "state": state,
            "page_name": "ep_monthcard_applications", "default_url": "/my/monthcard/applications",
        })
        return request.render("ep_monthcard.portal_my_monthcard_applications", values)

    @http.route("/my/monthcard/applications/<int:application_id>", type="http", auth="user", website=True)
    def portal_my_monthcard_application(self, application_id, **kw):
        # searched as the user: another owner's application is not found
        application = request.env["ep.monthcard.application"].search(
            self._get_application_domain() + [("id", "=", application_id)])
        if not application:
            raise werkzeug.exceptions.NotFound()
        values = self._prepare_portal_layout_values()
        # sudo: see the list: lot and rule names
        values.update({"application": application.sudo(), "page_name": "ep_monthcard_application"})
        return request.render("ep_monthcard.portal_my_monthcard_application", values)

    # ------------------------------------------------------------ applying
    def _render_new(self, form=None, **values):
        Application = request.env["ep.monthcard.application"]
        page = self._prepare_portal_layout_values()
        partner = request.env.user.partner_id
        form = dict(form or {})
        form.setdefault("phone", partner.mobile or partner.phone or "")
        page.update(values, form=form, lots=Application._portal_lots(), page_name="ep_monthcard_application_new",
                    test_mode=request.env["ep.parking.sms.provider"]._is_test_mode())
        return request.render("ep_monthcard.portal_monthcard_application_new", page)

    @http.route("/my/monthcard/applications/new", type="http", auth="user", website=True,
                methods=["GET", "POST"])
    def portal_monthcard_application_new(self, **post):
        if request.httprequest.method != "POST":
            return self._render_new()
        form = {key: (post.get(key) or "").strip() for key in FORM_FIELDS}
        form["plate"] = join_plate(post.get("plate_province"), form["plate"])
        Application = request.env["ep.monthcard.application"]
        if post.get("send_code"):
            try:
                verification = Application._portal_request_code(form["phone"])
            except UserError as exc:
                return self._render_new(form, error=exc.name)
            form["phone"] = verification.phone
            return self._render_new(form, code_sent=True, test_message=verification._get_test_message(),
                                    info=_("A 6-digit code was sent to %(phone)s.") % {"phone": verification.phone})
        upload = post.get("id_photo")
        photo = upload.read() if hasattr(upload, "read") else None
        try:
            vals = Application._portal_prepare_vals(form, photo, getattr(upload, "filename", None))
        except UserError as exc:
            return self._render_new(form, error=exc.name, code_sent=bool(post.get("code")))
        verification = Application._portal_find_code(vals["phone"])
        if not verification:
            return self._render_new(form, error=_("Please ask for a code first, or ask for a new one."))
        # a wrong code is counted and kept: no exception, the transaction commits
        error = verification._check_code(post.get("code"))
        if error:
            return self._render_new(form, error=error, code_sent=True,
                                    test_message=verification._get_test_message())
        try:
            with request.env.cr.savepoint():
                application = Application._portal_create(vals, verification)
        except (UserError, ValidationError) as exc:
            return self._render_new(form, error=exc.name)
        return request.redirect("/my/monthcard/applications/%s" % application.id)
