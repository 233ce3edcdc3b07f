"""Search methods over an embedded pool (a registry): random search, REINFORCE, Bayesian optimisation."""

from qgen.search.methods.base import METHODS, Oracle, SearchMethod, Trace, standardise
from qgen.search.methods.bo import BayesOpt
from qgen.search.methods.random_search import RandomSearch
from qgen.search.methods.reinforce import Reinforce

__all__ = [
    "METHODS",
    "BayesOpt",
    "Oracle",
    "RandomSearch",
    "Reinforce",
    "SearchMethod",
    "Trace",
    "standardise",
]
