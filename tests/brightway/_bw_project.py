"""The background Brightway project of the tests (see ``conftest.py``): ecoinvent-style flow
names (as in the IPCC 2021 method of the ecoinvent 3.9 LCIA implementation shipped with bw2io,
``bw2io/data/lcia/lcia_39_ecoinvent.zip``), a background database ``bg``, a foreground ``fg`` and
the test method. Amounts are illustrative test numbers, not emission data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

BIO = "test-biosphere"
FLOWS = {
    "co2": ("Carbon dioxide, fossil", ("air",)),
    "ch4": ("Methane, fossil", ("air", "urban air close to ground")),
    "n2o": ("Dinitrogen monoxide", ("air",)),
    "co2bio": ("Carbon dioxide, non-fossil", ("air",)),
    "ch4bio": ("Methane, non-fossil", ("air",)),
    "co2luc": ("Carbon dioxide, from soil or biomass stock", ("air",)),
    "hfc": ("Ethane, 1,1,1,2-tetrafluoro-, HFC-134a", ("air",)),
    "ethane": ("Ethane", ("air",)),
    "co2soil": ("Carbon dioxide, to soil or biomass stock", ("soil",)),
}
TEST_METHOD = ("test IPCC", "GWP100")
TEST_CFS = {"co2": 1.0, "ch4": 29.8, "n2o": 273.0, "co2bio": 0.0, "ch4bio": 27.0, "co2luc": 1.0, "hfc": 1530.0,
            "ethane": 0.437, "co2soil": -1.0}


def _prod(db: str, code: str, amount: float = 1.0) -> dict[str, Any]:
    return {"input": (db, code), "amount": amount, "type": "production"}


def _tech(db: str, code: str, amount: float) -> dict[str, Any]:
    return {"input": (db, code), "amount": amount, "type": "technosphere"}


def _bio(code: str, amount: float) -> dict[str, Any]:
    return {"input": (BIO, code), "amount": amount, "type": "biosphere"}


def build_background(base: Path) -> None:
    from carbonledger.backends.brightway._env import session

    with session(base, "bg", feature="tests", create=True, writes=True) as s:
        bd = s.bd
        bd.Database(BIO).write({(BIO, c): {"name": n, "categories": cat, "unit": "kilogram", "type": "emission"}
                                for c, (n, cat) in FLOWS.items()})
        bd.Database("bg").write({
            ("bg", "elec"): {"name": "electricity production", "unit": "kilowatt hour", "location": "CN",
                             "reference product": "electricity",
                             "exchanges": [_prod("bg", "elec"), _bio("co2", 0.5), _bio("ch4", 0.001)]},
            ("bg", "elec-de"): {"name": "electricity production", "unit": "kilowatt hour", "location": "DE",
                                "exchanges": [_prod("bg", "elec-de"), _bio("co2", 0.4)]},
            ("bg", "steel"): {"name": "steel production", "unit": "kilogram", "location": "GLO",
                              "reference product": "steel",
                              "exchanges": [_prod("bg", "steel"), _tech("bg", "elec", 2.0), _bio("co2", 1.5),
                                            _bio("n2o", 0.0001), _bio("co2bio", 0.3)]},
            ("bg", "truck"): {"name": "transport, freight, lorry", "unit": "ton kilometer", "location": "GLO",
                              "exchanges": [_prod("bg", "truck"), _bio("co2", 0.1), _bio("ch4bio", 0.0002),
                                            _bio("ethane", 0.01)]},
            ("bg", "wood"): {"name": "sawnwood", "unit": "cubic meter", "location": "GLO",
                             "exchanges": [_prod("bg", "wood"), _bio("co2luc", 2.0), _bio("co2soil", 5.0),
                                           _bio("hfc", 0.00001)]},
        })
        bd.Database("fg").write({
            ("fg", "bike"): {"name": "bicycle assembly", "unit": "unit", "location": "CN",
                             "reference product": "bicycle",
                             "exchanges": [_prod("fg", "bike"), _tech("fg", "frame", 1.0), _tech("bg", "truck", 2.0),
                                           _bio("co2", 0.4), _bio("n2o", 0.00002), _bio("co2bio", 1.0)]},
            ("fg", "frame"): {"name": "frame welding", "unit": "unit", "location": "CN", "reference product": "frame",
                              "exchanges": [_prod("fg", "frame", 2.0), _tech("bg", "steel", 8.0),
                                            _tech("bg", "elec", 10.0), _bio("co2", 1.0)]},
        })
        method = bd.Method(TEST_METHOD)
        method.register(unit="kg CO2-Eq")
        method.write([((BIO, c), cf) for c, cf in TEST_CFS.items()])
