"""OpenQASM programs shared by the tests: malformed ones with their expected diagnostics, well-formed ones."""

H3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'  # programs below start on line 3
H2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'

# (id, program, line, column, substring of the first diagnostic's message)
# fmt: off
MALFORMED = [
    # --- header
    ("no-header", "qubit q;\nx q;\n", 1, 1, "missing 'OPENQASM 2.0;' or 'OPENQASM 3.0;' header"),
    ("header-in-comment", "// OPENQASM 3.0;\nqubit q;\n", 1, 1, "the version cannot be determined"),
    ("version-4", "// note\n\nOPENQASM 4.0;\nqubit q;\n", 3, 10, "unsupported OpenQASM version '4.0'"),
    ("version-3.1", "OPENQASM 3.1;\n", 1, 10, "unsupported OpenQASM version '3.1'"),
    # --- syntax
    ("header-no-semicolon", "OPENQASM 3.0\nqubit q;\n", 1, 13, "missing ';' before 'qubit'"),
    ("stmt-no-semicolon", H3 + "qubit[2] q;\nh q[0]\ncx q[0], q[1];\n", 4, 7, "missing ';' before 'cx'"),
    ("decl-no-semicolon", "OPENQASM 3.0;\nqubit q\nU(0, 0, 0) q;\n", 2, 8, "missing ';' before 'U'"),
    ("unclosed-bracket", H3 + "qubit[2] q;\nh q[0;\n", 4, 6, "unexpected ';'"),
    ("stray-bracket", H3 + "qubit[2] q;\nh q[0]];\n", 4, 7, "unexpected ']'"),
    ("bad-character", "OPENQASM 3.0;\nqubit q;\n# x q;\n", 3, 1, "unexpected character '#'"),
    ("unclosed-gate-body", H3 + "qubit q;\ngate g a { x a;\n", 4, 16, "missing '}' before end of input"),
    ("return-outside-def", H3 + "return;\n", 3, 1, "'return' statement outside subroutine"),
    ("crlf-positions", 'OPENQASM 3.0;\r\ninclude "stdgates.inc";\r\nqubit q;\r\n  foo q;\r\n',
     4, 3, "undefined gate 'foo'"),
    ("unicode-columns", H3 + "qubit q;\nrx(θ + π) q; foo q;\n", 4, 14, "undefined gate 'foo'"),
    ("tab-columns", H3 + "qubit q;\n\tfoo q;\n", 4, 2, "undefined gate 'foo'"),
    # --- gates and includes
    ("undefined-gate", H3 + "qubit q;\nfoo q;\n", 4, 1, "undefined gate 'foo'"),
    ("gate-without-include-3", "OPENQASM 3.0;\nqubit q;\nh q;\n", 3, 1, 'include "stdgates.inc"'),
    ("gate-without-include-2", "OPENQASM 2.0;\nqreg q[2];\nswap q[0], q[1];\n",
     3, 1, "undefined gate 'swap'"),
    ("unknown-include", 'OPENQASM 3.0;\ninclude "foo.inc";\n', 2, 1, "cannot include 'foo.inc'"),
    ("qelib1-in-qasm3", 'OPENQASM 3.0;\ninclude "qelib1.inc";\n', 2, 1, "use 'stdgates.inc'"),
    ("stdgates-in-qasm2", 'OPENQASM 2.0;\ninclude "stdgates.inc";\n', 2, 1, "use 'qelib1.inc'"),
    ("include-twice", H2 + 'include "qelib1.inc";\n', 3, 1, "'qelib1.inc' is included twice"),
    ("too-few-qubits", H3 + "qubit[3] q;\ncx q[0];\n", 4, 1, "gate 'cx' takes 2 qubits, got 1"),
    ("too-many-qubits-2", H2 + "qreg q[3];\nh q[0], q[1];\n", 4, 1, "gate 'h' takes 1 qubit, got 2"),
    ("missing-parameter", H3 + "qubit q;\nrx q;\n", 4, 1, "gate 'rx' takes 1 parameter, got 0"),
    ("empty-parameters", H3 + "qubit q;\n  rx() q;\n", 4, 3, "gate 'rx' takes 1 parameter, got 0"),
    ("extra-parameter", H3 + "qubit q;\nh(0.5) q;\n", 4, 1, "gate 'h' takes 0 parameters, got 1"),
    ("U-two-params-2", "OPENQASM 2.0;\nqreg q[1];\nU(0, 0) q[0];\n",
     3, 1, "gate 'U' takes 3 parameters, got 2"),
    ("ctrl-arity", H3 + "qubit[3] q;\nctrl @ x q[0];\n",
     4, 8, "gate 'x' with 1 control takes 2 qubits, got 1"),
    ("ctrl2-arity", H3 + "qubit[3] q;\nctrl(2) @ x q[0], q[1];\n", 4, 11, "with 2 controls takes 3 qubits"),
    ("ctrl-zero", H3 + "qubit[2] q;\nctrl(0) @ x q[0];\n", 4, 1, "positive integer number of controls"),
    ("user-gate-arity", H3 + "gate g a { h a; }\nqubit[2] q;\ng q[0], q[1];\n",
     5, 1, "gate 'g' takes 1 qubit"),
    ("gate-body-undefined", H3 + "gate g a { foo a; }\n", 3, 12, "undefined gate 'foo'"),
    ("gate-body-identifier", H3 + "gate g(t) a { rx(u) a; }\n",
     3, 18, "undefined identifier 'u' in gate 'g'"),
    ("gate-body-index", H2 + "gate g a { x a[0]; }\n",
     3, 14, "cannot be indexed inside the body of gate 'g'"),
    ("gphase-with-qubit", H3 + "qubit q;\ngphase(0.1) q;\n", 4, 1, "gate 'gphase' takes 0 qubits, got 1"),
    # --- registers, indices, repeated qubits, broadcast
    ("undefined-register", H3 + "qubit q;\nh r;\n", 4, 3, "undefined qubit register 'r'"),
    ("index-out-of-range", H3 + "qubit[3] q;\nh q[5];\n",
     4, 5, "qubit index 5 out of range for register 'q' of size 3"),
    ("index-out-of-range-2", H2 + "qreg q[2];\ncx q[0], q[2];\n", 4, 12, "qubit index 2 out of range"),
    ("negative-index", H3 + "qubit[3] q;\nh q[-1];\n", 4, 5, "negative qubit index -1"),
    ("range-out-of-range", H3 + "qubit[4] q;\nh q[1:4];\n", 4, 7, "qubit index 4 out of range"),
    ("set-out-of-range", H3 + "qubit[4] q;\nh q[{0, 1, 5}];\n", 4, 12, "qubit index 5 out of range"),
    ("index-single-qubit", H3 + "qubit a;\nx a[0];\n", 4, 3, "'a' is a single qubit and cannot be indexed"),
    ("bits-as-qubits", H3 + "bit[2] c;\nx c[0];\n", 4, 3, "'c' is a bit register, not a qubit register"),
    ("loop-variable-index", H3 + "qubit[2] q;\nfor int i in [0:1] { x q[i]; }\n",
     4, 26, "non-constant qubit index"),
    ("same-qubit-twice", H3 + "qubit[3] q;\ncx q[0], q[0];\n", 4, 10, "qubit q[0] used twice in 'cx'"),
    ("same-qubit-broadcast", H3 + "qubit[2] q;\ncx q, q[0];\n", 4, 7, "qubit q[0] used twice in 'cx'"),
    ("broadcast-sizes", H3 + "qubit[3] q;\nqubit[2] r;\ncx q, r;\n",
     5, 7, "broadcast over registers of different sizes"),
    ("register-size-zero", H3 + "qubit[0] q;\n", 3, 7, "register size must be a positive integer"),
    ("qreg-needs-size", "OPENQASM 2.0;\nqreg q;\n", 2, 6, "register 'q' needs a size"),
    # --- duplicate declarations
    ("duplicate-register", H3 + "qubit[3] q;\nbit[2] q;\n", 4, 8, "'q' is already declared"),
    ("duplicate-register-2", H2 + "qreg q[2];\ncreg q[2];\n", 4, 6, "'q' is already declared"),
    ("redefine-std-gate", H3 + "gate h a { U(0, 0, 0) a; }\n",
     3, 6, "'h' is already defined as a gate of stdgates.inc"),
    ("duplicate-gate", H3 + "gate g a { x a; }\ngate g a { y a; }\n", 4, 6, "'g' is already declared"),
    # --- measurement
    ("measure-undeclared-bits", H3 + "qubit[3] q;\nc[0] = measure q[0];\n",
     4, 1, "undefined bit register 'c'"),
    ("measure-bit-range", H3 + "qubit[3] q;\nbit[2] c;\nc[2] = measure q[0];\n",
     5, 3, "bit index 2 out of range"),
    ("measure-size-2", H2 + "qreg q[3];\ncreg c[2];\nmeasure q -> c;\n",
     5, 14, "size mismatch in measure: 3 qubits"),
    ("measure-size-3", H3 + "qubit[2] q;\nbit c;\nc = measure q;\n", 5, 1, "2 qubits into 1 bit"),
    ("measure-into-qubits", H2 + "qreg q[2];\nqreg r[2];\nmeasure q -> r;\n",
     5, 14, "'r' is a qubit register"),
    ("measure-no-target", H3 + "qubit q;\nmeasure q;\n", 4, 1, "measurement without a target bit"),
    # --- identifiers and free parameters
    ("qasm2-free-identifier", H2 + "qreg q[1];\nrx(theta) q[0];\n", 4, 4, "undefined identifier 'theta'"),
    ("qasm2-tau", H2 + "qreg q[1];\nrx(tau / 2) q[0];\n", 4, 4, "undefined identifier 'tau'"),
    ("qasm2-unknown-function", H2 + "qreg q[1];\nrx(asin(1)) q[0];\n", 4, 4, "unknown function 'asin'"),
    ("register-as-number", H3 + "qubit[2] q;\nrx(q) q[0];\n", 4, 4, "'q' is a qubit register, not a number"),
    ("use-before-input", H3 + "qubit q;\nrx(theta) q;\ninput float[64] theta;\n",
     4, 4, "used before its declaration"),
    ("if-undefined-bits", H3 + "qubit q;\nif (d == 1) x q;\n", 4, 5, "undefined identifier 'd'"),
    # --- OpenQASM 3 constructs in OpenQASM 2 programs
    ("qasm2-qubit-keyword", "OPENQASM 2.0;\nqubit[2] q;\n", 2, 1, "'qubit' declaration"),
    ("qasm2-modifier", H2 + "qreg q[2];\nctrl @ x q[0], q[1];\n", 4, 1, "'ctrl @' modifier is OpenQASM 3"),
    ("qasm2-for", H2 + "qreg q[2];\nfor int i in [0:1] { x q[0]; }\n", 4, 1, "'for' loop is OpenQASM 3"),
    ("qasm2-measure-assign", H2 + "qreg q[1];\ncreg c[1];\nc[0] = measure q[0];\n",
     5, 1, "use 'measure q -> c;'"),
    ("qasm2-if-bit", H2 + "qreg q[1];\ncreg c[2];\nif (c[0] == 1) x q[0];\n",
     5, 1, "compare a classical register"),
    ("qasm2-opaque-arity", "OPENQASM 2.0;\nqreg q[2];\nopaque g(a) b, c;\ng(0.1) q[0];\n",
     4, 1, "takes 2 qubits"),
    # --- constructs qgen's loader cannot handle
    ("while", H3 + "qubit q;\nbit c;\nwhile (c) { x q; }\n", 5, 1, "unsupported construct: 'while' loop"),
    ("def", H3 + "def f(qubit a) { x a; }\n", 3, 1, "unsupported construct: subroutine definition"),
    ("extern", H3 + "extern f(int) -> int;\n", 3, 1, "unsupported construct: 'extern'"),
    ("box", H3 + "qubit q;\nbox { x q; }\n", 4, 1, "unsupported construct: 'box'"),
    ("array", H3 + "array[int[32], 3] a;\n", 3, 1, "unsupported construct: 'array' declaration"),
    ("duration", H3 + "duration d = 10ns;\n", 3, 1, "unsupported construct: 'duration' declaration"),
    ("stretch", "OPENQASM 3.0;\nstretch g;\n", 2, 1, "unsupported construct: 'stretch' declaration"),
    ("delay", H3 + "qubit q;\ndelay[100ns] q;\n", 4, 1, "unsupported construct: 'delay'"),
    ("cal", H3 + "cal { }\n", 3, 1, "unsupported construct: 'cal' block"),
    ("defcal", H3 + "defcal x $0 { }\n", 3, 1, "unsupported construct: 'defcal'"),
    ("switch", H3 + "qubit q;\nswitch (1) { case 1 { x q; } }\n", 4, 1, "unsupported construct: 'switch'"),
    ("pragma", H3 + "pragma qgen fast\n", 3, 1, "unsupported construct: 'pragma'"),
    ("break", H3 + "qubit q;\nfor int i in [0:1] { break; }\n", 4, 22, "unsupported construct: 'break'"),
    ("continue", H3 + "qubit q;\nfor int i in [0:1] { continue; }\n",
     4, 22, "unsupported construct: 'continue'"),
    ("const", H3 + "const float a = 0.5;\n", 3, 1, "unsupported construct: 'const' declaration"),
    ("int-variable", H3 + "int i = 3;\n", 3, 1, "unsupported construct: classical 'int' variable"),
    ("bit-init", H3 + 'bit[2] c = "01";\n', 3, 12, "unsupported construct: initialised 'bit'"),
    ("output", H3 + "output bit b;\n", 3, 1, "unsupported construct: 'output' declaration"),
    ("input-int", H3 + "input int n;\n", 3, 1, "unsupported construct: 'input int'"),
    ("assignment", H3 + "bit c;\nc = 1;\n", 4, 1, "unsupported construct: classical assignment"),
    ("let", H3 + "qubit[2] q;\nlet a = q[0];\n", 4, 1, "unsupported construct: 'let' alias"),
    ("function-call-3", H3 + "qubit q;\nrx(sin(0.1)) q;\n",
     4, 4, "unsupported construct: function call 'sin(...)'"),
    ("pow-non-constant", H3 + "qubit q;\npow(k) @ x q;\n", 4, 5, "non-constant 'pow' exponent"),
    ("gate-duration", H3 + "qubit q;\nx[10ns] q;\n", 4, 3, "unsupported construct: gate duration"),
    ("opaque-in-qasm3", H3 + "opaque g a;\n", 3, 1, "unsupported construct: 'opaque'"),
    # --- only the real import (Qiskit) finds these; positions are mapped back to the input
    ("qiskit-3-mixed-qubits", H3 + "qubit[2] q;\nx $0;\n", 4, 3, "qiskit.qasm3: Physical qubit"),
    ("qiskit-3-after-free-param", H3 + "qubit[2] q;\nrx(alpha) q[0];\nx $0;\n", 5, 3, "Physical qubit"),
    ("qiskit-3-index-float", H3 + "qubit q;\nrx(alpha) q;\n   rx(beta[0]) q;\n",
     5, 7, "qiskit.qasm3: only indexing"),
    ("qiskit-2-if-block", H2 + "qreg q[1];\ncreg c[1];\nif (c == 1) { x q[0]; }\n", 5, 13, "qiskit.qasm2:"),
]
# fmt: on


WELL_FORMED = {
    "qasm2": H2
    + (
        "qreg q[3];\ncreg c[3];\nh q;\nCX q[0], q[1];\nU(pi / 2, 0, pi) q[2];\ncu1(pi / 4) q[0], q[2];\n"
        "rx(sin(0.3) + ln(2) + sqrt(2) * exp(1) - cos(tan(0.1))) q[1];\nbarrier q;\nreset q[2];\n"
        "measure q -> c;\nif (c == 1) x q[0];\n"
    ),
    "qasm2-user-gates": "OPENQASM 2.0;\n// comment before everything\nqreg q[2];\n"
    "gate g(theta) a, b { U(theta, 0, 0) a; CX a, b; barrier a, b; }\n"
    "g(0.3) q[0], q[1];\ng(0.1) q[1], q[0];\n"
    "opaque magic(a) b;\nmagic(0.2) q[0];\n",
    "qasm2-short-header": "OPENQASM 2;\nqreg q[1];\nU(0, 0, 0) q[0];\n",
    "qasm3-input": H3 + "input float[64] theta;\ninput angle phi;\nqubit[2] q;\nrx(theta) q[0];\n"
    "rz(phi + theta / 2) q[1];\n",
    "qasm3-free-identifier": H3 + "qubit[1] q;\nrx(alpha) q[0];\n",
    "qasm3-user-gates-modifiers": H3
    + (
        "gate g(t) a, b { ctrl @ rx(t) a, b; inv @ s a; gphase(t); }\n"
        "gate layer(a, b) x0, x1 { ry(a) x0; ry(b) x1; cz x0, x1; }\n"
        "qubit[3] q;\ng(0.1) q[0], q[1];\nlayer(w0, w1) q[1], q[2];\nctrl @ x q[0], q[1];\n"
        "ctrl(2) @ x q[0], q[1], q[2];\nnegctrl @ h q[2], q[0];\ninv @ s q[2];\npow(2) @ sx q[1];\n"
    ),
    "qasm3-measure-broadcast": H3
    + (
        "qubit[3] q;\nqubit[3] r;\nbit[3] c;\nbit b;\nh q;\ncx q, r;\ncx q[0], r;\nc = measure q;\n"
        "b = measure r[1];\nc[0:1] = measure r[{0, 2}];\nmeasure q[2] -> c[2];\nbarrier q, r;\nreset r;\n"
    ),
    "qasm3-control-flow": H3
    + (
        "qubit[2] q;\nbit[2] c;\nc[0] = measure q[0];\nif (c[0]) { x q[1]; } else { h q[1]; }\n"
        "if (c == 1) x q[0];\nfor int i in [0:2] { rx(0.1 * i) q[0]; }\n"
    ),
    "qasm3-builtins-only": "OPENQASM 3;\n/* block\ncomment */\nqubit q;\nU(π, τ / 4, euler) q;\ngphase(ℇ);\n",
    "qasm3-old-style": H3 + "qreg q[2];\ncreg c[2];\nCX q[0], q[1];\nmeasure q -> c;\n",
    "qasm3-physical": H3 + "h $0;\ncx $0, $1;\n",
    "qasm3-one-line": 'OPENQASM 3.0; include "stdgates.inc"; qubit[2] q; rx(a) q[0]; ry(b) q[1];',
    "qasm3-crlf": 'OPENQASM 3.0;\r\ninclude "stdgates.inc";\r\nqubit q;\r\nrx(theta) q;\r\n',
    "only-header": "OPENQASM 3.0;",
}
