"""One cell type for the instance and the family question (solve/cell.py)."""

from superpos_formal.network import Network
from superpos_formal.shape import Shape
from superpos_formal.solve.cell import Cell, Search
from superpos_formal.tasks import and_pairs, permutation_family

ROW_KEYS = ["n", "B", "bias", "status", "proof", "seconds", "rounds", "core", "vars",
            "clauses"]


def test_task_and_family_rows_share_their_keys():
    task = Cell(and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=2), "UNSAT", 0.2,
                info={"vars": 5, "clauses": 9})
    fam = permutation_family(2)
    family = Cell(fam, Shape("superposed", "step", n=1, B=1, codes="free"), "UNSAT", 0.3,
                  core=list(fam.members())[:1], rounds=2, info={"vars": 7, "clauses": 11})
    assert list(task.row()) == ROW_KEYS
    assert list(family.row()) == ROW_KEYS
    assert family.row()["core"] == 1 and family.row()["rounds"] == 2
    assert task.row()["core"] is None and task.row()["B"] == 2


def test_network_is_the_single_tasks_only_network():
    net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    t = Cell(and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=1), "SAT", 0.1,
             networks=[net])
    assert t.network is net and t.codes is None and not t.is_family
    fam = Cell(permutation_family(2), Shape("superposed", "step", n=1, codes="free", B=1), "SAT",
               0.1, networks=[net, net], codes=([[1, 0]], [[1], [0]]))
    assert fam.network is None and fam.is_family and len(fam.networks) == 2
    s = Search("neurons", [fam], minimum=1, best=fam)
    assert s.status == "SAT" and s.codes == ([[1, 0]], [[1], [0]]) and len(s.networks) == 2
    assert Search("neurons", []).status == "UNKNOWN" and Search("neurons", []).networks == []


def test_ids_keep_their_question():
    t = Cell(and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=1), "UNSAT", 0.2)
    f = Cell(permutation_family(2), Shape("superposed", "step", n=1, codes="free", B=1), "UNSAT",
             0.2)
    assert t.id != f.id and t.id == Cell(t.subject, t.shape, "SAT", 1.0).id
