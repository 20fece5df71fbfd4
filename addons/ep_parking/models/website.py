from odoo import api, models


class Website(models.Model):
    _inherit = "website"

    @api.model
    def _ep_add_active_languages(self):
        """Every active language is a language of every website, so a portal user whose language
        is Chinese gets the owner pages in Chinese (tools/ep loads zh_CN; ep_parking ships it).
        Run by ep_parking's data on install and update."""
        languages = self.env["res.lang"].search([("active", "=", True)])
        # a handful of websites
        for website in self.search([]):  # pylint: disable=no-search-all
            missing = languages - website.language_ids
            if missing:
                website.language_ids = [(4, language.id) for language in missing]
        return True
