"""A campaign's ``family_method``: validated, passed to the family search,
named in each family record, its table and its regenerate command."""

import importlib
import json

import pytest

from superpos_formal.errors import InputError

# the package exports a function named campaign: the module by its full name
campaign = importlib.import_module("superpos_formal.campaign")

SHAPE = {"mode": "superposed", "activation": "relu", "codes": "free", "B": 1, "B_bias": 1,
         "B_code": 1}


def _camp(tmp_path, **extra):
    d = dict({"format": "superpos-formal/campaign", "version": 1, "name": "fm",
              "time_limit": 60, "proof": False,
              "cells": [{"family": {"kind": "permutations", "m": 2, "s": 1}, "shape": SHAPE,
                         "n_max": 2}]}, **extra)
    p = tmp_path / "fm.json"
    p.write_text(json.dumps(d))
    return p


def test_unknown_family_method_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"family_method: 'fastest' is not one of cegis"):
        campaign.load_campaign(_camp(tmp_path, family_method="fastest"))


def _spy(monkeypatch):
    """Record the family method each search is called with (then search)."""
    seen, real = [], campaign.min_neurons_family

    def spy(fam, shape, opts, **kw):
        # the decision actually used per width (options alone do not choose it)
        seen.append(kw["decide"].__name__)
        return real(fam, shape, opts, **kw)

    monkeypatch.setattr(campaign, "min_neurons_family", spy)
    return seen


def test_family_method_reaches_the_search(tmp_path, monkeypatch):
    seen = _spy(monkeypatch)
    camp = campaign.load_campaign(_camp(tmp_path, family_method="far"))
    rec = campaign.run_cell(camp, camp["cells"][0], "x")
    assert seen == ["_far_loop"]
    assert rec["family_method"] == "far"
    # permutations of 2 features fit one neuron (proofs/families/permutations-m2-...)
    assert rec["minimum"] == 1
    assert "`family_method` far" in campaign.render_table(camp, [rec])
    assert campaign.check_record(rec) is rec


def test_without_family_method_the_default_loop_and_no_field(tmp_path, monkeypatch):
    seen = _spy(monkeypatch)
    camp = campaign.load_campaign(_camp(tmp_path))
    rec = campaign.run_cell(camp, camp["cells"][0], "x")
    assert seen == ["decide_family"] and "family_method" not in rec
    assert "family_method" not in campaign.render_table(camp, [rec])


def test_a_record_with_a_non_string_method_is_refused():
    with pytest.raises(InputError, match="family_method"):
        campaign.check_record({"cell": {"family": {"kind": "permutations", "m": 2},
                                        "shape": SHAPE}, "subject": "p", "table": [],
                               "minimum": None, "seconds": 1.0, "family_method": 3})


def test_regenerate_command_names_the_method():
    cell = {"family": {"kind": "pair-sets", "m": 6, "m_out": 2, "s": 2}, "shape": SHAPE}
    assert campaign.regenerate_command(cell, 4, "orbits-far").endswith(
        "--n-min 3 --n-max 4 --family-method orbits-far --proof -o out/regen")
    assert "--family-method" not in campaign.regenerate_command(cell, 4)
    assert "--family-method" not in campaign.regenerate_command(cell, 4, "cegis")


def test_an_in_process_run_shows_the_search_lines(tmp_path, capfd):
    dist = importlib.import_module("superpos_formal.distributed")
    p = _camp(tmp_path, family_method="far")
    dist.run_campaign_store(p, str(tmp_path / "s.sqlite"), results_dir=str(tmp_path / "res"))
    err = capfd.readouterr().err
    # the search's own line, from the cell's child process
    assert "n=1: SAT" in err, err
    quiet = _camp(tmp_path, name="fm2")
    dist.run_campaign_store(quiet, str(tmp_path / "s.sqlite"), quiet=True)
    assert "n=1" not in capfd.readouterr().err
