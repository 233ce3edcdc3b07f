// Deliberately malformed: `qgen validate examples/broken.qasm` reports each problem with line and column.
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
h q[0];
cx q[0], q[2];
rx q[1];
