"""Create many records of one model in one INSERT (imports of thousands of rows).

``Model.create`` costs a few milliseconds a record in Odoo 11 (defaults, one INSERT, tracking,
followers, constraints and recomputation one record at a time); an import of 2000 month cards
took minutes. ``bulk_create(model, vals_list)`` does what ``create`` does, once for all rows:

- defaults are computed once (``default_get``) and completed by each row's values;
- one ``INSERT … VALUES … RETURNING id`` writes every row with the log-access columns;
- the model's own stored computed and related fields are computed for all rows at once and
  written with one ``UPDATE … FROM (VALUES …)`` per field (``recompute`` would write them one
  record at a time when their values differ, e.g. a display name); fields of other models that
  depend on the new rows are marked modified and recomputed as ``create`` does;
- Python constraints run on the whole recordset (constraint methods that are set-based stay one
  query whatever the count), then the record rules are checked for creation.

It does not do what models add in their own ``create`` overrides, nor chatter, tracking or
followers: use it only where the caller validated the rows itself (e.g. an import's row check)
and the model's ``create`` adds nothing those rows need. Only plain column fields: no
one2many/many2many values (create the children with a second ``bulk_create``).
"""
from psycopg2.extras import execute_values

from odoo import fields

LOG_ACCESS = ("create_uid", "create_date", "write_uid", "write_date")


def bulk_create(model, vals_list, page_size=1000):
    """Create one record of ``model`` per dict of ``vals_list``; returns them in that order."""
    if not vals_list:
        return model.browse()
    if model._parent_store:
        raise ValueError("bulk_create(%s): a parent-store tree needs create()" % model._name)
    model.check_access_rights("create")
    columns = {name for name, field in model._fields.items()
               if field.store and field.column_type and name != "id" and name not in LOG_ACCESS
               and not field.compute}
    for vals in vals_list:
        extra = set(vals) - columns
        if extra:
            raise ValueError("bulk_create(%s) takes column fields only, not %s" % (model._name, sorted(extra)))
    defaults = {name: value for name, value in model.default_get(sorted(columns)).items() if name in columns}
    names = sorted(set(defaults).union(*vals_list))
    now = fields.Datetime.now()
    uid = model.env.uid
    rows = []
    for vals in vals_list:
        values = dict(defaults, **vals)
        rows.append([model._fields[name].convert_to_column(values.get(name), model, values) for name in names]
                    + [uid, now, uid, now])
    query = 'INSERT INTO "%s" (%s) VALUES %%s RETURNING id' % (
        model._table, ", ".join('"%s"' % name for name in list(names) + list(LOG_ACCESS)))
    # the whole batch is one statement per page; psycopg2 quotes every value
    ids = [row[0] for row in execute_values(model.env.cr._obj, query, rows, page_size=page_size, fetch=True)]
    records = model.browse(ids)
    records.modified(records._fields)
    _write_own_computed(records)
    records._validate_fields(names)
    records.recompute()
    records.check_access_rule("create")
    return records


def _write_own_computed(records):
    """Compute the stored computed fields of ``records`` in batch and write each with one UPDATE."""
    model = records.browse()
    todo = [field for field in model._fields.values()
            if field.store and field.compute and field.column_type and model.env.check_todo(field, records)]
    for field in todo:
        if not model.env.check_todo(field, records):
            continue  # computed together with an earlier field of the same method
        group = [f for f in model._field_computed.get(field, [field]) if f.store and f.column_type]
        for rec in records:
            rec[field.name]  # noqa: B018 - computes the whole batch into the cache (prefetch)
        for computed in group:
            values = [(rec.id, computed.convert_to_column(computed.convert_to_write(rec[computed.name], rec), rec))
                      for rec in records]
            query = 'UPDATE "%s" SET "%s" = v.value::%s FROM (VALUES %%s) AS v(id, value) WHERE "%s".id = v.id' % (
                model._table, computed.name, computed.column_type[1], model._table)
            execute_values(model.env.cr._obj, query, values, page_size=1000)
            records._recompute_done(computed)
