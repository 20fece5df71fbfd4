"""Translatable messages of the pure cores.

A pure core cannot call Odoo's ``_()``: it returns a :class:`Label`-like ``str`` holding the
English text, plus ``key`` and ``params``, and the Odoo side translates it by key (each addon's
``_get_label_texts``). ``label_class(catalogue, module)`` makes the ``Label`` class of one core
from its ``{key: English text with %(params)s}`` catalogue; labels pickle (by key and params).
"""


def _rebuild(cls, key, params):
    return cls(key, **params)


def label_class(catalogue, module, doc="A message: English text, plus ``key`` and ``params`` for translation."):
    """The ``Label`` class of the core ``module`` (its ``__name__``), texts from ``catalogue``."""

    def __new__(cls, key, **params):
        self = str.__new__(cls, catalogue[key] % params)
        self.key = key
        self.params = params
        return self

    def __reduce__(self):
        return _rebuild, (type(self), self.key, self.params)

    return type("Label", (str,), {"__new__": __new__, "__reduce__": __reduce__, "__doc__": doc,
                                  "__module__": module, "__qualname__": "Label"})
