"""Pure core of ep_coupon: coupon choice, limits and pre-exit rules. No odoo import.

* ``limits.period_bounds(kind, when)``: the day / week / month a merchant limit counts in.
* ``coupon.pick_coupon(fee, face_values)``: the face value to issue (§2.4.4 1 A).
* ``coupon.apply_coupons(fee, coupons, merchant_kind, preexit_enabled)``: the §2.4.3 pre-exit table,
  returning ``Applied(amount_covered, remaining_fee, used)``.
* ``coupon.release_deadline`` / ``coupon.release_due``: the 15-minute exit window of a release
  coupon (放行券, §2.4.2 1 B).
* ``coupon.check_limit(used, requested, limit)``: purchase / issue limits, raising
  ``coupon.LimitExceeded`` (§2.4.1 6, §2.4.2 2).
"""
