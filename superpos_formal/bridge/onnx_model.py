"""The ONNX graph of an exported network, built node by node with
``onnx.helper`` (no exporter, no tracing: the graph is the formula).

Inputs: ``x`` (float, ``(batch, m)``). Outputs: ``y`` (0/1 floats,
``(batch, m')``, or ``(batch, k, m')`` for a family of ``k`` members), and
for interpretability ``Rz`` (the readout before the threshold) and ``h1``..
``hL`` (hidden activations; a family's have the member axis first). The
operations are ``MatMul``, ``Add``, ``Relu`` or ``Greater``+``Cast`` (step:
``[t > 0]``), ``GreaterOrEqual`` (``[R z >= theta]``), ``Transpose``; on
integers below the bound of :mod:`.precision` each is exact in the chosen
float type, whatever the runtime's summation order.
"""

import json

from ._deps import need

__all__ = ["onnx_model", "OPSET"]

#: ONNX opset of the graph (GreaterOrEqual needs 12)
OPSET = 17


def onnx_model(arrays, activation, stacked, metadata):
    """An ``onnx.ModelProto`` for the tensors of :mod:`.arrays`."""
    onnx = need("onnx")
    from onnx import TensorProto, helper, numpy_helper

    dt = arrays["E"].dtype
    elem = TensorProto.FLOAT if dt.name == "float32" else TensorProto.DOUBLE
    L = sum(1 for k in arrays if k.startswith("W"))
    m = arrays["E"].shape[1]
    m_out = arrays["R"].shape[0]
    inits, nodes = [], []

    def const(name, a):
        inits.append(numpy_helper.from_array(a, name))
        return name

    const("Et", arrays["E"].T.copy())
    const("Rt", arrays["R"].T.copy())
    const("theta", arrays["theta"])
    nodes.append(helper.make_node("MatMul", ["x", "Et"], ["a0"]))
    a = "a0"
    hidden = []
    for l in range(1, L + 1):
        W = arrays[f"W{l}"]
        b = arrays[f"b{l}"]
        # (batch, d) @ (k, d, n) broadcasts to (k, batch, n); bias (k, 1, n)
        const(f"W{l}t", W.swapaxes(-1, -2).copy())
        const(f"b{l}", b[:, None, :].copy() if stacked else b)
        nodes.append(helper.make_node("MatMul", [a, f"W{l}t"], [f"p{l}"]))
        nodes.append(helper.make_node("Add", [f"p{l}", f"b{l}"], [f"t{l}"]))
        if activation == "relu":
            nodes.append(helper.make_node("Relu", [f"t{l}"], [f"h{l}"]))
        else:
            const("zero", arrays["theta"] * 0)
            nodes.append(helper.make_node("Greater", [f"t{l}", "zero"], [f"g{l}"]))
            nodes.append(helper.make_node("Cast", [f"g{l}"], [f"h{l}"], to=elem))
        a = f"h{l}"
        hidden.append(a)
    if L:
        const("Vt", arrays["V"].swapaxes(-1, -2).copy())
        c = arrays["c"]
        const("c", c[:, None, :].copy() if stacked else c)
        nodes.append(helper.make_node("MatMul", [a, "Vt"], ["pz"]))
        nodes.append(helper.make_node("Add", ["pz", "c"], ["z"]))
        a = "z"
    nodes.append(helper.make_node("MatMul", [a, "Rt"], ["Rz"]))
    nodes.append(helper.make_node("GreaterOrEqual", ["Rz", "theta"], ["yb"]))
    if stacked:
        nodes.append(helper.make_node("Cast", ["yb"], ["yk"], to=elem))
        nodes.append(helper.make_node("Transpose", ["yk"], ["y"], perm=[1, 0, 2]))
        y_shape = ["batch", int(arrays["W1"].shape[0]) if L else 1, m_out]
    else:
        nodes.append(helper.make_node("Cast", ["yb"], ["y"], to=elem))
        y_shape = ["batch", m_out]
    lead = [int(arrays["W1"].shape[0]), "batch"] if stacked and L else ["batch"]
    outputs = [helper.make_tensor_value_info("y", elem, y_shape),
               helper.make_tensor_value_info("Rz", elem, lead + [m_out])]
    outputs += [helper.make_tensor_value_info(h, elem, lead + [int(arrays[f"b{l}"].shape[-1])])
                for l, h in enumerate(hidden, start=1)]
    graph = helper.make_graph(nodes, "superpos_formal_exact_network",
                              [helper.make_tensor_value_info("x", elem, ["batch", m])],
                              outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="superpos-formal")
    # runtimes of 2024+ read IR version 10 and below
    model.ir_version = min(model.ir_version, 10)
    helper.set_model_props(model, {"superpos-formal": json.dumps(metadata, sort_keys=True)})
    onnx.checker.check_model(model)
    return model
