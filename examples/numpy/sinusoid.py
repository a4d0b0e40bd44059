"""sin from its Taylor series, and its derivatives from differentiating that program.

A port of HIPS autograd's `examples/sinusoid.py`; only the imports differ from its
autograd version. The derivatives of the series program agree with cos, -sin, -cos.
"""
from typing import Any

import tapegrad.numpy as np
from tapegrad import grad


def taylor_sine(x: Any) -> Any:
    # sum of (-1)^k x^(2k+1) / (2k+1)!, until the terms stop mattering
    ans = currterm = x
    i = 0
    while np.abs(currterm) > 0.001:
        currterm = -currterm * x ** 2 / ((2 * i + 3) * (2 * i + 2))
        ans = ans + currterm
        i += 1
    return ans


def main() -> dict[str, Any]:
    xs = np.linspace(-3.0, 3.0, 7)
    d1, d2 = grad(taylor_sine), grad(grad(taylor_sine))
    d3 = grad(grad(grad(taylor_sine)))
    return {"f": [taylor_sine(x) for x in xs], "d1": [d1(x) for x in xs],
            "d2": [d2(x) for x in xs], "d3": [d3(x) for x in xs]}


if __name__ == "__main__":
    res = main()
    print("d/dx sin_taylor at -3..3:", [round(float(v), 4) for v in res["d1"]])
