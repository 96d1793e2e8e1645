"""Rate-network -> LIF-network parameter mapping of Lava's E/I tutorial (``convert_params.py``).

The function keeps Lava's tutorial name, :func:`convert_rate_to_lif_params`, so that Lava users
find it. The float -> fixed step that follows it lives in :mod:`neuroproc.utils.fixed_point`
(:func:`~neuroproc.utils.fixed_point.lif_params_to_fixed`).
"""
from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from scipy.optimize import fsolve
from scipy.special import erf, zetac

from neuroproc.exceptions import ValidationError

__all__ = ["convert_rate_to_lif_params"]

_REQUIRED = ("shape_exc", "shape_inh", "dr_exc", "dr_inh", "bias_exc", "bias_inh",
             "g_factor", "q_factor", "weights")

#: ``sqrt(2) * |zetac(1/2)|``, times ``sqrt(dv / du) / 2`` below: the shift of threshold and
#: reset that corrects the diffusion approximation for synaptic filtering (Fourcaud & Brunel
#: 2002). That paper has ``|zeta(1/2)|`` (1.46); Lava's helper uses scipy's ``zetac`` =
#: ``zeta - 1`` (2.46). Kept, because the reference numbers depend on it.
_SYNAPTIC_SHIFT = np.sqrt(2) * np.abs(zetac(0.5))


def _f(y: Any) -> Any:
    """``exp(y**2) * (1 + erf(y))``, the integrand of the Siegert formula."""
    return np.exp(y ** 2) * (1 + erf(y))


def _positive(value: Any, name: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value) > 0 \
            or not np.isfinite(float(value)):
        raise ValidationError(f"convert_rate_to_lif_params: {name} must be a finite number > 0 "
                         f"(got {value!r}). Use the rate network's parameters, e.g. 0.01.")
    return value


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise ValidationError(f"convert_rate_to_lif_params: {name} must be an int >= 1 (got "
                         f"{value!r}). Pass the number of neurons of the population.")
    return int(value)


def convert_rate_to_lif_params(**rate_params: Any) -> dict[str, Any]:
    r"""Map the parameters of a rate E/I network to a LIF E/I network with the same statistics.

    The mapping of Lava's E/I tutorial, after Grytskyy et al. 2013 ("A unified view on weakly
    correlated recurrent networks", Front. Comput. Neurosci. 7:131) and Brunel 2000 ("Dynamics
    of sparsely connected networks of excitatory and inhibitory spiking neurons"). With
    :math:`\gamma = N_e/N_i` and the inhibition factor :math:`g`:

    1. The network must be inhibition-dominated, :math:`\gamma g > 1`.
    2. Time constants: ``dv = dr`` and ``du = 7 dr`` per population; thresholds ``vth = 1``.
    3. Biases: the larger rate bias sets the ratio ``rel`` (the other population gets 1), and
       ``bias_mant = 5 * vth * dv * rel``: large enough for the neurons to fire.
    4. Stationary input :math:`b = (b_e/dv_e + b_i/dv_i)/2` and rate
       :math:`\nu = (b - v_{th}) / (\gamma g - 1)` (Brunel's inhibition-dominated regime).
    5. For a mean excitatory weight :math:`w`, the input has mean
       :math:`\mu = N_e (1 - \gamma g) w \nu + b` and (unsquare-rooted) width
       :math:`\sigma = N_e (1 + \gamma g^2) w^2 \nu`. With
       :math:`y_{th} = (v_{th} - \mu)/\sigma + c`, :math:`y_r = -\mu/\sigma + c`,
       :math:`c = \sqrt{2}\,|\zeta(1/2) - 1|\,\sqrt{dv_e/du_i}/2`,
       :math:`f(y) = e^{y^2}(1 + \mathrm{erf}(y))` and
       :math:`k = \sqrt{\pi}(\mu\, dv_e\, 0.01)^2`, the linear response of the LIF neuron gives
       :math:`\alpha = k (f(y_{th}) - f(y_r))/\sigma` and
       :math:`\beta = k (f(y_{th})(v_{th} - \mu)/\sigma + f(y_r)\mu/\sigma) / (2\sigma^2)`.
    6. ``scipy.optimize.fsolve`` solves :math:`\bar w = \alpha w + \beta w^2` from the mean
       rate weight :math:`\bar w` of the excitatory block. The weights are scaled by
       :math:`w^*/\bar w`; if the solver raises a RuntimeWarning (the theory breaks down for
       strong weights, as in the "critical" network) the scale is 1. A scale <= 0 is not
       applied (a RuntimeWarning says so).
    7. Finally excitatory columns are multiplied by ``du_exc`` and inhibitory ones by ``du_inh``
       (the LIF current integrates its input with gain ``du``).

    Parameters
    ----------
    **rate_params
        ``shape_exc``, ``shape_inh`` (neuron counts), ``dr_exc``, ``dr_inh`` (rate integration
        constants), ``bias_exc``, ``bias_inh`` (rate biases, > 0), ``g_factor``, ``q_factor``
        and ``weights`` (rows = post, columns = pre, excitatory columns first). Other keys are
        passed through unchanged.

    Returns
    -------
    dict
        A new dict: every input key, plus ``du_exc``, ``dv_exc``, ``vth_exc``, ``bias_mant_exc``,
        ``du_inh``, ``dv_inh``, ``vth_inh``, ``bias_mant_inh``, and ``weights`` replaced by a new
        float array (the input dict and its array are not modified).

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([[0.0, 0.1, 0.1, -0.4], [0.1, 0.0, 0.1, -0.4],
    ...               [0.1, 0.1, 0.0, -0.4], [0.1, 0.1, 0.1, 0.0]])
    >>> lif = convert_rate_to_lif_params(shape_exc=3, shape_inh=1, dr_exc=0.01, dr_inh=0.01,
    ...                                  bias_exc=0.1, bias_inh=0.1, g_factor=4.0,
    ...                                  q_factor=1.0, weights=w)
    >>> lif['du_exc'], lif['dv_exc'], lif['vth_exc'], lif['bias_mant_exc']
    (0.07, 0.01, 1, 0.05)
    """
    if missing := [k for k in _REQUIRED if k not in rate_params]:
        raise ValidationError(f"convert_rate_to_lif_params: missing {missing} (got keys "
                         f"{sorted(rate_params)}). Pass every rate-network parameter.")
    n_exc = _count(rate_params["shape_exc"], "shape_exc")
    n_inh = _count(rate_params["shape_inh"], "shape_inh")
    dr_exc = _positive(rate_params["dr_exc"], "dr_exc")
    dr_inh = _positive(rate_params["dr_inh"], "dr_inh")
    rate_bias_exc = _positive(rate_params["bias_exc"], "bias_exc")
    rate_bias_inh = _positive(rate_params["bias_inh"], "bias_inh")
    g = _positive(rate_params["g_factor"], "g_factor")
    gamma = float(n_exc) / float(n_inh)
    if not gamma * g > 1:
        raise ValidationError(f"convert_rate_to_lif_params: the network is not inhibition-dominated, "
                         f"gamma * g_factor = {n_exc}/{n_inh} * {g!r} <= 1 (got "
                         f"{gamma * g!r}). Increase g_factor or the share of excitatory neurons.")
    weights = np.array(rate_params["weights"], dtype=float)  # a copy: the input stays untouched
    n = n_exc + n_inh
    if weights.shape != (n, n):
        raise ValidationError(f"convert_rate_to_lif_params: weights must have shape ({n}, {n}) for "
                         f"{n_exc} + {n_inh} neurons (got {weights.shape}). Check shape_exc, "
                         "shape_inh and the weight matrix.")

    # NB: the arithmetic below keeps the order of operations of Lava's helper, so that the
    # results agree to the last bit where the solver allows (see tests/utils/test_conversion.py).
    dv_exc, du_exc = 1 * dr_exc, 7 * dr_exc
    dv_inh, du_inh = 1 * dr_inh, 7 * dr_inh
    vth = 1
    rel_exc: float
    rel_inh: float
    if rate_bias_exc >= rate_bias_inh:
        rel_exc, rel_inh = rate_bias_exc / rate_bias_inh, 1
    else:
        rel_exc, rel_inh = 1, rate_bias_inh / rate_bias_exc
    bias_exc = 5 * vth * dv_exc * rel_exc
    bias_inh = 5 * vth * dv_inh * rel_inh

    mean_weight = np.mean(weights[:, :n_exc])
    drive = (bias_exc / dv_exc + bias_inh / dv_inh) / 2
    rate = (drive - vth) / (gamma * g - 1)
    # The original passes the *inhibitory* du here; kept so that the numbers agree.
    shift = _SYNAPTIC_SHIFT * np.sqrt(dv_exc / du_inh) / 2

    def residual(w: np.ndarray) -> np.ndarray:
        mu = n_exc * (1 - gamma * g) * w * rate + drive
        sigma = n_exc * (1 + gamma * g ** 2) * w ** 2 * rate
        f_th = _f((vth - mu) / sigma + shift)
        f_r = _f(-1 * mu / sigma + shift)
        k = np.sqrt(np.pi) * (mu * dv_exc * 0.01) ** 2
        alpha = k * (1 / sigma) * (f_th - f_r)
        beta = k * (1 / (2 * sigma ** 2)) * (f_th * (vth - mu) / sigma - f_r * (-1 * mu) / sigma)
        return mean_weight - alpha * w - beta * w ** 2

    with warnings.catch_warnings():
        # Only inside this block: any RuntimeWarning (overflow in exp, "not making good
        # progress") means the theory has broken down, and then the weights keep their scale.
        warnings.simplefilter("error", RuntimeWarning)
        try:
            scale = fsolve(residual, mean_weight)[0] / mean_weight
        except RuntimeWarning:
            scale = 1
    if scale > 0:
        weights *= scale
    else:
        warnings.warn(f"convert_rate_to_lif_params: the solved weight scale is not positive "
                      f"(got {scale!r}); the rate weights are used unscaled.",
                      RuntimeWarning, stacklevel=2)
    weights[:, :n_exc] *= du_exc
    weights[:, n_exc:] *= du_inh

    out = dict(rate_params)
    out.update(du_exc=du_exc, dv_exc=dv_exc, vth_exc=vth, bias_mant_exc=bias_exc,
               du_inh=du_inh, dv_inh=dv_inh, vth_inh=vth, bias_mant_inh=bias_inh,
               weights=weights)
    return out
