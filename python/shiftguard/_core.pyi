"""Type stubs of the compiled extension shiftguard._core (use the shiftguard package)."""

from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

class Error(ValueError): ...
class InvalidArgumentError(Error): ...
class ShapeError(Error): ...
class FormatError(Error): ...
class DTypeError(TypeError): ...

def ks_2samp(
    ref: npt.NDArray[np.floating[Any]],
    cur: npt.NDArray[np.floating[Any]],
    alternative: str = "two-sided",
    method: str = "auto",
    nan_policy: str = "raise",
) -> tuple[float, float, float, int, str]: ...
def ks_2samp_p_value(
    n1: int, n2: int, d: float, alternative: str = "two-sided", method: str = "auto"
) -> tuple[float, float, str]: ...
def kolmogorov_two_sided_sf(n: int, d: float) -> float: ...
def smirnov_sf(n: int, d: float) -> float: ...

class _StreamDetector:
    """Methods shared by every scalar stream detector."""

    def update(self, x: float) -> None: ...
    def update_many(
        self, values: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
    def reset(self) -> None: ...
    @property
    def drift_detected(self) -> bool: ...
    @property
    def warning_detected(self) -> bool: ...
    def save(self) -> bytes: ...
    @staticmethod
    def load(data: bytes) -> Any: ...
    def params(self) -> dict[str, Any]: ...

class PageHinkley(_StreamDetector):
    def __init__(
        self,
        min_instances: int,
        delta: float,
        threshold: float,
        alpha: float,
        mode: str,
        nan_policy: str,
    ) -> None: ...
    @property
    def n_seen(self) -> int: ...
    @property
    def mean(self) -> float: ...

class KSWIN(_StreamDetector):
    def __init__(
        self,
        alpha: float,
        window_size: int,
        stat_size: int,
        seed: int,
        window: list[float],
        nan_policy: str,
    ) -> None: ...
    @property
    def n_seen(self) -> int: ...
    @property
    def p_value(self) -> float: ...
    @property
    def window(self) -> list[float]: ...

class CUSUM(_StreamDetector):
    def __init__(
        self,
        target: float | None,
        std: float | None,
        burn_in: int,
        k: float,
        h: float,
        mode: str,
        nan_policy: str,
    ) -> None: ...
    @property
    def n_seen(self) -> int: ...
    @property
    def sum_up(self) -> float: ...
    @property
    def sum_down(self) -> float: ...
    @property
    def target_in_use(self) -> float: ...
    @property
    def std_in_use(self) -> float: ...

class ADWIN(_StreamDetector):
    def __init__(
        self,
        delta: float = 0.002,
        clock: int = 32,
        max_buckets: int = 5,
        min_window_length: int = 5,
        grace_period: int = 10,
        nan_policy: str = "raise",
    ) -> None: ...
    @property
    def width(self) -> int: ...
    @property
    def total(self) -> float: ...
    @property
    def variance(self) -> float: ...
    @property
    def estimation(self) -> float: ...
    @property
    def n_detections(self) -> int: ...
    @property
    def n_bucket_rows(self) -> int: ...

class DDM(_StreamDetector):
    def __init__(
        self, warm_start: int, warning_threshold: float, drift_threshold: float, nan_policy: str
    ) -> None: ...
    @property
    def n_seen(self) -> int: ...
    @property
    def error_rate(self) -> float: ...
    @property
    def p_min(self) -> float: ...
    @property
    def s_min(self) -> float: ...

class EDDM(_StreamDetector):
    def __init__(self, warm_start: int, alpha: float, beta: float, nan_policy: str) -> None: ...
    @property
    def n_seen(self) -> int: ...
    @property
    def n_errors(self) -> int: ...
    @property
    def mean_distance(self) -> float: ...
    @property
    def std_distance(self) -> float: ...
    @property
    def max_level(self) -> float: ...

class HDDM_A(_StreamDetector):
    def __init__(
        self,
        drift_confidence: float,
        warning_confidence: float,
        two_sided_test: bool,
        nan_policy: str,
    ) -> None: ...
    @property
    def n_seen(self) -> int: ...
    @property
    def error_rate(self) -> float: ...

class HDDM_W(_StreamDetector):
    def __init__(
        self,
        drift_confidence: float,
        warning_confidence: float,
        lambda_val: float,
        two_sided_test: bool,
        nan_policy: str,
    ) -> None: ...
    @property
    def error_rate(self) -> float: ...

class _KSDetector:
    def __init__(
        self,
        x_ref: npt.NDArray[np.floating[Any]],
        p_val: float = 0.05,
        correction: str = "bonferroni",
        alternative: str = "two-sided",
        method: str = "auto",
        nan_policy: str = "raise",
        n_threads: int = 0,
    ) -> None: ...
    def predict(self, x: npt.NDArray[np.floating[Any]]) -> dict[str, Any]: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_reference(self) -> int: ...
    def sorted_reference(self, feature: int) -> npt.NDArray[np.floating[Any]]: ...

class KSDetectorFloat64(_KSDetector): ...
class KSDetectorFloat32(_KSDetector): ...

class _OnlineMMD:
    def __init__(
        self,
        x_ref: npt.NDArray[np.floating[Any]],
        ert: float,
        window_size: int,
        n_bootstraps: int = 1000,
        sigma: float = 0.0,
        seed: int = 0,
        n_threads: int = 0,
        nan_policy: str = "raise",
    ) -> None: ...
    def update(self, x: npt.NDArray[np.floating[Any]]) -> None: ...
    def update_many(
        self, x: npt.NDArray[np.floating[Any]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
    def reset(self) -> None: ...
    @property
    def drift_detected(self) -> bool: ...
    @property
    def warning_detected(self) -> bool: ...
    @property
    def test_stat(self) -> float: ...
    @property
    def threshold(self) -> float: ...
    @property
    def t(self) -> int: ...
    @property
    def sigma(self) -> float: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_reference(self) -> int: ...
    @property
    def window_count(self) -> int: ...
    @property
    def thresholds(self) -> npt.NDArray[np.float64]: ...
    @property
    def reference(self) -> npt.NDArray[np.floating[Any]]: ...
    @property
    def window(self) -> npt.NDArray[np.floating[Any]]: ...
    def save(self) -> bytes: ...
    @staticmethod
    def load(data: bytes) -> Any: ...
    def params(self) -> dict[str, Any]: ...

class OnlineMMDFloat64(_OnlineMMD): ...
class OnlineMMDFloat32(_OnlineMMD): ...

# Distance scores and categorical tests (bind_scores.cpp).
def energy_distance(
    ref: npt.NDArray[np.floating[Any]],
    cur: npt.NDArray[np.floating[Any]],
    nan_policy: str = "raise",
) -> float: ...
def wasserstein_distance(
    ref: npt.NDArray[np.floating[Any]],
    cur: npt.NDArray[np.floating[Any]],
    nan_policy: str = "raise",
) -> float: ...
def binned_scores(
    ref: npt.NDArray[np.floating[Any]],
    cur: npt.NDArray[np.floating[Any]],
    n_bins: int = 10,
    epsilon: float = 1e-4,
    base: float = 2.0,
    nan_policy: str = "raise",
) -> dict[str, Any]: ...
def count_categories(
    codes: npt.NDArray[np.int64], nan_policy: str = "raise"
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]: ...
def categorical_test(
    ref: npt.NDArray[np.int64],
    cur: npt.NDArray[np.int64],
    test: str = "chi2",
    yates_correction: bool = False,
    nan_policy: str = "raise",
) -> dict[str, Any]: ...
def categorical_distances(
    ref: npt.NDArray[np.int64],
    cur: npt.NDArray[np.int64],
    epsilon: float = 1e-4,
    base: float = 2.0,
    nan_policy: str = "raise",
) -> dict[str, Any]: ...
# Numeric two-sample tests (bind_univariate.cpp); shiftguard.drift._numeric_tests wraps them.
def cramervonmises_2samp(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.floating[Any]],
    method: str = "auto",
    nan_policy: str = "raise",
) -> tuple[float, float, str, float]: ...
def anderson_ksamp(
    samples: list[npt.NDArray[np.floating[Any]]],
    variant: str = "midrank",
    nan_policy: str = "raise",
) -> tuple[float, float, npt.NDArray[np.float64], str, str, float]: ...
def mannwhitneyu(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.floating[Any]],
    use_continuity: bool = True,
    alternative: str = "two-sided",
    method: str = "auto",
    nan_policy: str = "raise",
) -> tuple[float, float, str, float, float, float, bool]: ...
def ttest_welch(
    a: npt.NDArray[np.floating[Any]],
    b: npt.NDArray[np.floating[Any]],
    alternative: str = "two-sided",
    nan_policy: str = "raise",
) -> tuple[float, float, float, float, float, float]: ...
def special_elementwise(
    name: str,
    a: npt.NDArray[np.float64],
    b: npt.NDArray[np.float64],
    c: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]: ...
# drift reduction, corrections and the classifier two-sample test (bind_reduce.cpp)
def apply_correction(p_values: list[float], alpha: float, method: str) -> dict[str, Any]: ...
def johnson_lindenstrauss_min_dim(n_samples: int, eps: float = 0.1) -> int: ...
def classifier_two_sample_test(
    scores: npt.NDArray[np.floating[Any]],
    labels: npt.NDArray[np.int64],
    test: str = "binomial",
    decision_threshold: float = 0.5,
    alternative: str = "greater",
) -> dict[str, Any]: ...

class _PCA:
    def __init__(self, n_components: int = 0, n_threads: int = 0) -> None: ...
    def fit(self, x: npt.NDArray[np.floating[Any]]) -> None: ...
    def transform(self, x: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.floating[Any]]: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def n_components(self) -> int: ...
    @property
    def n_features(self) -> int: ...
    @property
    def components(self) -> npt.NDArray[np.floating[Any]]: ...
    @property
    def mean(self) -> npt.NDArray[np.floating[Any]]: ...
    @property
    def explained_variance(self) -> npt.NDArray[np.floating[Any]]: ...
    @property
    def explained_variance_ratio(self) -> npt.NDArray[np.floating[Any]]: ...
    @property
    def singular_values(self) -> npt.NDArray[np.floating[Any]]: ...
    def save(self) -> bytes: ...
    @staticmethod
    def load(data: bytes) -> Any: ...

class PCAFloat64(_PCA): ...
class PCAFloat32(_PCA): ...

class _GaussianRandomProjection:
    def __init__(self, n_components: int, seed: int = 0, n_threads: int = 0) -> None: ...
    def fit(self, n_features: int) -> None: ...
    def transform(self, x: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.floating[Any]]: ...
    @property
    def fitted(self) -> bool: ...
    @property
    def n_components(self) -> int: ...
    @property
    def n_features(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def components(self) -> npt.NDArray[np.floating[Any]]: ...
    def save(self) -> bytes: ...
    @staticmethod
    def load(data: bytes) -> Any: ...

class GaussianRandomProjectionFloat64(_GaussianRandomProjection): ...
class GaussianRandomProjectionFloat32(_GaussianRandomProjection): ...
# Multivariate two-sample tests (bind_multivariate.cpp). Arrays are float32 or float64.
def median_heuristic_sigma(x_ref: npt.NDArray[np.floating[Any]], n_threads: int = 0) -> float: ...
def mmd2(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.floating[Any]],
    sigma: float = 0.0,
    n_threads: int = 0,
) -> float: ...
def mmd_test(
    x_ref: npt.NDArray[np.floating[Any]],
    x: npt.NDArray[np.floating[Any]],
    p_val: float = 0.05,
    n_permutations: int = 100,
    sigma: float = 0.0,
    seed: int = 0,
    n_threads: int = 0,
) -> dict[str, Any]: ...
def linear_mmd_test(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.floating[Any]],
    sigma: float = 0.0,
    p_val: float = 0.05,
) -> dict[str, Any]: ...
def energy_distance_squared(
    x: npt.NDArray[np.floating[Any]], y: npt.NDArray[np.floating[Any]], n_threads: int = 0
) -> float: ...
def energy_test(
    x_ref: npt.NDArray[np.floating[Any]],
    x: npt.NDArray[np.floating[Any]],
    p_val: float = 0.05,
    n_permutations: int = 100,
    seed: int = 0,
    n_threads: int = 0,
) -> dict[str, Any]: ...
def hotelling_test(
    x_ref: npt.NDArray[np.floating[Any]], x: npt.NDArray[np.floating[Any]], p_val: float = 0.05
) -> dict[str, Any]: ...

class MMDDetector:
    def __init__(
        self,
        x_ref: npt.NDArray[np.floating[Any]],
        p_val: float = 0.05,
        n_permutations: int = 100,
        sigma: float = 0.0,
        seed: int = 0,
        n_threads: int = 0,
    ) -> None: ...
    def predict(self, x: npt.NDArray[np.floating[Any]]) -> dict[str, Any]: ...
    @property
    def sigma(self) -> float: ...
    @property
    def p_val(self) -> float: ...
    @property
    def n_permutations(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_reference(self) -> int: ...
    @property
    def reference_kernel_sum(self) -> float: ...
    @property
    def reference_kernel_row_sums(self) -> npt.NDArray[np.float64]: ...
    def save(self) -> bytes: ...
    @staticmethod
    def load(data: bytes) -> MMDDetector: ...

class LSDDDetector:
    def __init__(
        self,
        x_ref: npt.NDArray[np.floating[Any]],
        p_val: float = 0.05,
        n_permutations: int = 100,
        sigma: float = 0.0,
        n_kernel_centers: int = 0,
        lambda_rd_max: float = 0.2,
        seed: int = 0,
        n_threads: int = 0,
        center_rows: list[int] = ...,
    ) -> None: ...
    def predict(self, x: npt.NDArray[np.floating[Any]]) -> dict[str, Any]: ...
    @property
    def sigma(self) -> float: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_reference(self) -> int: ...
    @property
    def center_rows(self) -> npt.NDArray[np.int64]: ...
    @property
    def centers(self) -> npt.NDArray[np.float64]: ...

class EnergyDetector:
    def __init__(
        self,
        x_ref: npt.NDArray[np.floating[Any]],
        p_val: float = 0.05,
        n_permutations: int = 100,
        seed: int = 0,
        n_threads: int = 0,
    ) -> None: ...
    def predict(self, x: npt.NDArray[np.floating[Any]]) -> dict[str, Any]: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_reference(self) -> int: ...

class HotellingDetector:
    def __init__(self, x_ref: npt.NDArray[np.floating[Any]], p_val: float = 0.05) -> None: ...
    def predict(self, x: npt.NDArray[np.floating[Any]]) -> dict[str, Any]: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_reference(self) -> int: ...
    @property
    def p_val(self) -> float: ...
    def save(self) -> bytes: ...
    @staticmethod
    def load(data: bytes) -> HotellingDetector: ...

class _TabularDetector:
    def __init__(
        self,
        x_ref: npt.NDArray[np.floating[Any]],
        categorical_columns: list[int] = ...,
        tests: dict[int, str] = ...,
        p_val: float = 0.05,
        correction: str = "bonferroni",
        nan_policy: str = "raise",
        n_bins: int = 10,
        epsilon: float = 1e-4,
        min_effect_size: float = 0.0,
        min_effect_sizes: dict[int, float] = ...,
        thresholds: dict[int, float] = ...,
        calibrate: bool = False,
        n_bootstraps: int = 200,
        n_threads: int = 0,
        seed: int = 0,
    ) -> None: ...
    def predict(self, x: npt.NDArray[np.floating[Any]]) -> dict[str, Any]: ...
    def save(self) -> bytes: ...
    @staticmethod
    def load(data: bytes) -> Any: ...
    @property
    def n_features(self) -> int: ...
    @property
    def n_reference(self) -> int: ...
    @property
    def tests(self) -> list[str]: ...
    @property
    def categorical_columns(self) -> list[int]: ...
    def sorted_reference(self, feature: int) -> npt.NDArray[np.floating[Any]]: ...

class TabularDetectorFloat64(_TabularDetector): ...
class TabularDetectorFloat32(_TabularDetector): ...

# imbalance: label shift and covariate shift (bind_imbalance_shift.cpp)
def estimate_label_shift(
    y_val: npt.NDArray[np.int64],
    proba_val: npt.NDArray[np.float64],
    proba_target: npt.NDArray[np.float64],
    method: str = "bbse",
    max_condition: float = 1e3,
    n_bootstrap: int = 0,
    confidence_level: float = 0.95,
    seed: int = 0,
    n_threads: int = 0,
    tol: float = 1e-8,
    max_iter: int = 1000,
) -> dict[str, Any]: ...
def em_prior_adjustment(
    source_priors: npt.NDArray[np.float64],
    proba_target: npt.NDArray[np.float64],
    n_bootstrap: int = 0,
    confidence_level: float = 0.95,
    seed: int = 0,
    n_threads: int = 0,
    tol: float = 1e-8,
    max_iter: int = 1000,
) -> dict[str, Any]: ...
def joint_confusion_matrix(
    y_val: npt.NDArray[np.int64], proba_val: npt.NDArray[np.float64], soft: bool = False
) -> npt.NDArray[np.float64]: ...
def adjust_probabilities(
    proba: npt.NDArray[np.float64],
    source_priors: npt.NDArray[np.float64],
    target_priors: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]: ...
def label_shift_weights(
    y: npt.NDArray[np.int64], weights: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]: ...
def fit_logistic_regression(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.float64],
    C: float = 1.0,
    fit_intercept: bool = True,
    tol: float = 1e-10,
    max_iter: int = 100,
    n_threads: int = 0,
) -> dict[str, Any]: ...
def classifier_density_ratio(
    x_ref: npt.NDArray[np.floating[Any]],
    x_cur: npt.NDArray[np.floating[Any]],
    C: float = 1.0,
    n_folds: int = 5,
    seed: int = 0,
    tol: float = 1e-10,
    max_iter: int = 100,
    n_threads: int = 0,
) -> dict[str, Any]: ...
def logistic_ratio(
    x: npt.NDArray[np.floating[Any]],
    coef: npt.NDArray[np.float64],
    intercept: float,
    prior_ratio: float,
) -> npt.NDArray[np.float64]: ...
def ulsif(
    x_ref: npt.NDArray[np.floating[Any]],
    x_cur: npt.NDArray[np.floating[Any]],
    n_centers: int = 100,
    sigmas: list[float] = ...,
    lambdas: list[float] = ...,
    seed: int = 0,
    n_threads: int = 0,
) -> dict[str, Any]: ...
def ulsif_ratio(
    x: npt.NDArray[np.floating[Any]],
    centers: npt.NDArray[np.float64],
    alpha: npt.NDArray[np.float64],
    sigma: float,
) -> npt.NDArray[np.float64]: ...
def postprocess_weights(
    weights: npt.NDArray[np.float64],
    max_weight: float = ...,
    clip_quantile: float = 1.0,
    normalize: bool = True,
) -> dict[str, Any]: ...
def effective_sample_size(weights: npt.NDArray[np.float64]) -> float: ...
# imbalance: neighbours, sampling_strategy and the deterministic samplers
def kneighbors(
    reference: npt.NDArray[np.floating[Any]],
    query: npt.NDArray[np.floating[Any]] | None,
    k: int,
    exclude_self: bool,
    n_threads: int = 0,
    block_bytes: int = 0,
) -> tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.int64]]: ...
def kneighbors_buffer_bytes(n_ref: int, block_bytes: int = 0, single: bool = False) -> int: ...
def resolve_sampling_strategy(
    strategy: str | float | dict[int, int] | list[int],
    class_counts: list[int],
    sampling_type: str,
    class_names: list[str],
) -> dict[int, int]: ...
def neighbors_within_class(
    class_size: int, requested: int, class_name: str, shrink: bool, parameter: str = "k_neighbors"
) -> int: ...
def random_under_sampling(
    y: npt.NDArray[np.int64],
    strategy: dict[int, int],
    key: npt.NDArray[np.uint32],
    position: int,
    replacement: bool,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32], int]: ...
def random_over_sampling(
    y: npt.NDArray[np.int64],
    strategy: dict[int, int],
    key: npt.NDArray[np.uint32],
    position: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32], int]: ...
def tomek_links(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.int64],
    strategy: dict[int, int],
    n_threads: int = 0,
) -> npt.NDArray[np.int64]: ...
def edited_nearest_neighbours(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.int64],
    strategy: dict[int, int],
    n_neighbors: int,
    kind_sel: str,
    n_threads: int = 0,
) -> npt.NDArray[np.int64]: ...
def near_miss(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.int64],
    strategy: dict[int, int],
    version: int,
    n_neighbors: int,
    n_neighbors_ver3: int,
    n_threads: int = 0,
) -> tuple[npt.NDArray[np.int64], list[int]]: ...
# SMOTE family (python/src/bind_imbalance_smote.cpp)
def smote(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.int64],
    targets: dict[int, int],
    k_neighbors: int = 5,
    seed: int = 0,
    n_threads: int = 0,
    adapt_k_neighbors: bool = False,
) -> dict[str, Any]: ...
def borderline_smote(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.int64],
    targets: dict[int, int],
    k_neighbors: int = 5,
    m_neighbors: int = 10,
    kind: str = "borderline-1",
    seed: int = 0,
    n_threads: int = 0,
    adapt_k_neighbors: bool = False,
) -> dict[str, Any]: ...
def adasyn(
    x: npt.NDArray[np.floating[Any]],
    y: npt.NDArray[np.int64],
    targets: dict[int, int],
    n_neighbors: int = 5,
    seed: int = 0,
    n_threads: int = 0,
    adapt_k_neighbors: bool = False,
) -> dict[str, Any]: ...
def smote_nc(
    continuous: npt.NDArray[np.floating[Any]],
    categorical: npt.NDArray[np.int64],
    y: npt.NDArray[np.int64],
    targets: dict[int, int],
    k_neighbors: int = 5,
    seed: int = 0,
    n_threads: int = 0,
    adapt_k_neighbors: bool = False,
) -> dict[str, Any]: ...

# imbalance: class/sample weights, logit adjustment and metrics (bind_imbalance_weights.cpp)
def imbalance_class_weight(
    y: npt.NDArray[np.int64],
    n_classes: int,
    method: str = "balanced",
    beta: float = 0.999,
    normalize: str = "none",
    sample_weight: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]: ...
def imbalance_normalize_class_weight(
    class_weight: npt.NDArray[np.float64],
    y: npt.NDArray[np.int64],
    sample_weight: npt.NDArray[np.float64] | None = None,
    normalize: str = "none",
) -> npt.NDArray[np.float64]: ...
def imbalance_sample_weight(
    y: npt.NDArray[np.int64],
    class_weight: npt.NDArray[np.float64],
    sample_weight: npt.NDArray[np.float64] | None = None,
    normalize: str = "none",
) -> npt.NDArray[np.float64]: ...
def imbalance_logit_adjustment(
    priors: npt.NDArray[np.float64], tau: float = 1.0
) -> npt.NDArray[np.float64]: ...
def imbalance_confusion_matrix(
    y_true: npt.NDArray[np.int64],
    y_pred: npt.NDArray[np.int64],
    n_classes: int,
    sample_weight: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]: ...
def imbalance_precision_recall_fscore(
    confusion: npt.NDArray[np.float64],
    selected: list[int],
    beta: float = 1.0,
    average: str = "none",
    zero_division: float = 0.0,
) -> dict[str, Any]: ...
def imbalance_balanced_accuracy(
    confusion: npt.NDArray[np.float64], adjusted: bool = False
) -> tuple[float, int]: ...
def imbalance_matthews_corrcoef(confusion: npt.NDArray[np.float64]) -> float: ...
def imbalance_geometric_mean(
    confusion: npt.NDArray[np.float64], correction: float = 0.0, selected: list[int] = ...
) -> float: ...
def imbalance_ranking_binary(
    metric: str,
    y_true: npt.NDArray[np.int64],
    positive: int,
    y_score: npt.NDArray[np.floating[Any]],
    sample_weight: npt.NDArray[np.float64] | None = None,
) -> float: ...
def imbalance_ranking_ovr(
    metric: str,
    y_true: npt.NDArray[np.int64],
    y_score: npt.NDArray[np.floating[Any]],
    average: str = "macro",
    sample_weight: npt.NDArray[np.float64] | None = None,
    n_threads: int = 0,
) -> tuple[npt.NDArray[np.float64], float]: ...
# Small-network trainer (bind_nn.cpp; the same API in shiftguard._core_nn_avx, built with
# -mavx -mfma). Arrays X, Y must have the network's dtype (float32 for MLP32, float64 for
# MLP64); Y is one-hot (softmax), 0/1 columns (sigmoid) or targets (identity).
# Weights lists: [(W (fan_in x fan_out), b (fan_out,)) per dense layer] followed, when
# layer_norm, by [(gamma, beta) per hidden layer]. Loss definitions (s: sample weight, c:
# class_weights): softmax CE = sum_i w_i l_i / sum_i w_i with w_i = s_i * c[y_i]
# (torch CrossEntropyLoss(weight=c) when s = 1); sigmoid: per element with
# w_ij = s_i * (c[1] y + c[0] (1 - y)) (class_weights of length 2); focal: -(1-p_t)^gamma log p_t
# with the same weights; logit_adjusted: CE on logits + logit_offsets (training only);
# mse/huber: sum_i s_i sum_j l_ij / (n_outputs * sum_i s_i) (torch MSELoss/HuberLoss mean).
# Config keys of nn_fit (all optional): loss, class_weights, logit_offsets, focal_gamma,
# huber_delta, optimizer, learning_rate, momentum, nesterov, beta1, beta2, epsilon, rho,
# weight_decay, clip_norm, schedule, step_size, gamma, warmup_epochs, plateau_patience,
# plateau_factor, min_lr, batch_size, max_epochs, shuffle, seed, early_stopping, patience,
# min_delta, restore_best, n_threads, overfit_patience; loss_and_gradients also takes
# dropout_seed (int: dropout on with that seed; None/absent: off). Unknown keys raise.
class _MLP:
    def __init__(
        self,
        n_inputs: int,
        hidden_sizes: list[int],
        activations: list[str],
        n_outputs: int,
        output: str = "softmax",
        dropout: list[float] = ...,
        layer_norm: bool = False,
        init: str = "auto",
        seed: int = 0,
    ) -> None: ...
    @property
    def n_inputs(self) -> int: ...
    @property
    def n_outputs(self) -> int: ...
    @property
    def layer_sizes(self) -> list[int]: ...
    @property
    def n_parameters(self) -> int: ...
    @property
    def nbytes(self) -> int: ...
    @property
    def hidden_sizes(self) -> list[int]: ...
    @property
    def activations(self) -> list[str]: ...
    @property
    def output(self) -> str: ...
    @property
    def dropout(self) -> list[float]: ...
    @property
    def layer_norm(self) -> bool: ...
    @property
    def init(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def has_mask(self) -> bool: ...
    def forward(
        self, X: npt.NDArray[np.floating[Any]], n_threads: int = 1
    ) -> npt.NDArray[np.floating[Any]]: ...
    def predict_output(
        self, X: npt.NDArray[np.floating[Any]], n_threads: int = 1
    ) -> npt.NDArray[np.floating[Any]]: ...
    def get_weights(self) -> list[tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.floating[Any]]]]: ...
    def set_weights(self, weights: list[tuple[Any, Any]]) -> None: ...
    def loss_and_gradients(
        self,
        X: npt.NDArray[np.floating[Any]],
        Y: npt.NDArray[np.floating[Any]],
        sample_weight: npt.NDArray[np.floating[Any]] | None = None,
        config: dict[str, Any] = ...,
    ) -> tuple[float, list[tuple[npt.NDArray[np.floating[Any]], npt.NDArray[np.floating[Any]]]]]: ...
    def save(self) -> bytes: ...
    @staticmethod
    def load(data: bytes) -> Any: ...
    def prune(self, sparsity: float, scope: str = "global") -> None: ...
    def sparsity(self) -> float: ...
    def quantize_int8(self) -> Any: ...
    def copy(self) -> Any: ...

class MLP32(_MLP): ...
class MLP64(_MLP): ...

class _QuantizedMLP:
    def forward(
        self, X: npt.NDArray[np.floating[Any]], n_threads: int = 1
    ) -> npt.NDArray[np.floating[Any]]: ...
    def predict_output(
        self, X: npt.NDArray[np.floating[Any]], n_threads: int = 1
    ) -> npt.NDArray[np.floating[Any]]: ...
    @property
    def nbytes(self) -> int: ...
    def get_weights(self) -> list[tuple[npt.NDArray[np.int8], npt.NDArray[np.floating[Any]]]]: ...

class QuantizedMLP32(_QuantizedMLP): ...
class QuantizedMLP64(_QuantizedMLP): ...

def nn_fit(
    model: MLP32 | MLP64,
    X: npt.NDArray[np.floating[Any]],
    Y: npt.NDArray[np.floating[Any]],
    sample_weight: npt.NDArray[np.floating[Any]] | None = None,
    X_val: npt.NDArray[np.floating[Any]] | None = None,
    Y_val: npt.NDArray[np.floating[Any]] | None = None,
    sample_weight_val: npt.NDArray[np.floating[Any]] | None = None,
    config: dict[str, Any] = ...,
    callback: Any = None,
) -> dict[str, Any]: ...
def nn_lr_range_test(
    model: MLP32 | MLP64,
    X: npt.NDArray[np.floating[Any]],
    Y: npt.NDArray[np.floating[Any]],
    sample_weight: npt.NDArray[np.floating[Any]] | None = None,
    config: dict[str, Any] = ...,
    lr_min: float = 1e-07,
    lr_max: float = 10.0,
    n_steps: int = 100,
) -> dict[str, Any]: ...
def nn_fit_temperature(
    logits: npt.NDArray[np.floating[Any]],
    labels: npt.NDArray[np.integer[Any]],
    sample_weight: npt.NDArray[np.floating[Any]] | None = None,
) -> float: ...

# N-d batch validation (shiftguard.validate._tensor); schemas and summaries travel as dicts.
def tensor_summary(
    batch: npt.NDArray[Any],
    channel_axis: int | None,
    minimum: float,
    maximum: float,
    check_blank: bool,
    blank_epsilon: float,
    n_threads: int = 0,
) -> dict[str, Any]: ...
def tensor_infer_schema(
    reference: npt.NDArray[Any],
    channel_axis: int | None,
    wildcard_axes: list[int],
    range_margin: float,
    infer_range: bool,
    mean_tolerance: float,
    std_tolerance: float,
    check_blank: bool,
    blank_epsilon: float,
    n_threads: int = 0,
) -> dict[str, Any]: ...
def tensor_validate(
    batch: npt.NDArray[Any],
    schema: dict[str, Any],
    dtype: str = "",
    max_samples_listed: int = 1000,
    n_threads: int = 0,
) -> list[dict[str, Any]]: ...
# validate: column profiles (bind_validate_profile.cpp)
class ProfileCategoricalInput:
    def __init__(
        self,
        name: str,
        values: list[str],
        counts: npt.NDArray[np.uint64],
        n_missing: int,
        mixed_types: bool,
    ) -> None: ...

class ColumnProfileState:
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def n_missing(self) -> int: ...
    @property
    def n_infinite(self) -> int: ...
    @property
    def n_finite(self) -> int: ...
    @property
    def mixed_types(self) -> bool: ...
    @property
    def mean(self) -> float: ...
    def variance(self, ddof: int = 1) -> float: ...
    @property
    def min(self) -> float: ...
    @property
    def max(self) -> float: ...
    def quantile(self, q: float) -> float: ...
    def quantiles(self, qs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    def rank(self, x: float) -> float: ...
    @property
    def n_distinct(self) -> float: ...
    def top(self, n: int) -> list[tuple[str, int]]: ...
    @property
    def rank_error(self) -> float: ...
    @property
    def distinct_relative_error(self) -> float: ...
    @property
    def top_max_error(self) -> int: ...
    def sorted_view(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint64]]: ...

class TableProfile:
    @property
    def n_rows(self) -> int: ...
    def names(self) -> list[str]: ...
    def column(self, name: str) -> ColumnProfileState: ...
    def options(self) -> dict[str, int]: ...
    def merged(self, other: TableProfile) -> TableProfile: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> TableProfile: ...
    def to_json(self, indent: int = -1) -> str: ...
    @staticmethod
    def from_json(text: str) -> TableProfile: ...

def validate_profile(
    block: npt.NDArray[np.float64] | None,
    block_names: list[str],
    columns: list[npt.NDArray[np.float64]],
    column_names: list[str],
    categorical: list[ProfileCategoricalInput],
    order: list[str],
    n_rows: int,
    quantile_k: int,
    hll_precision: int,
    top_k: int,
    seed: int,
    n_threads: int,
) -> TableProfile: ...
def validate_profile_merge_all(profiles: list[TableProfile]) -> TableProfile: ...
def validate_profile_drift(
    reference: TableProfile, current: TableProfile, n_bins: int
) -> dict[str, Any]: ...
