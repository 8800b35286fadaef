"""The ELB's connection metrics from Cloud Eye, as the CCE page reads them in the console: namespace
`SYS.ELB`, dimension `lbaas_instance_id`, raw data (period 1: one sample a minute on Huawei Cloud).

* `m4_ncps` new connections per second (averaged over the sample): the evidence `verify` counts;
* `m1_cps` concurrent and `m2_act_conn` active connections: shown alongside, as the console does.

Metric ids, units and raw periods: https://support.huaweicloud.com/intl/en-us/usermanual-elb/elb_ug_jk_0001.html
The batch query (`BatchListMetricData`, POST /V1.0/{project_id}/batch-query-metric-data):
https://support.huaweicloud.com/intl/tr-tr/api-ces/ces_03_0034.html
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, field
from typing import Any

from .errors import Failure, LiveError
from .huawei import HuaweiCloud

NAMESPACE = "SYS.ELB"
DIMENSION = "lbaas_instance_id"
NEW_CONNECTIONS = "m4_ncps"
CONCURRENT = ("m1_cps", "m2_act_conn")
METRICS = (NEW_CONNECTIONS, *CONCURRENT)
RAW_PERIOD = "1"
API = "cloud eye"


@dataclass(frozen=True)
class Point:
    timestamp: float  # seconds, the start of the sample
    value: float


@dataclass
class Series:
    metric: str
    points: list[Point] = field(default_factory=list)

    def interval(self, fallback: float) -> float:
        """Seconds between samples, from the data itself (raw data is one a minute in the cloud)."""
        stamps = sorted(p.timestamp for p in self.points)
        gaps = [b - a for a, b in itertools.pairwise(stamps) if b > a]
        return statistics.median(gaps) if gaps else fallback

    def since(self, start: float) -> list[Point]:
        return [p for p in self.points if p.timestamp >= start]

    def before(self, end: float) -> list[Point]:
        return [p for p in self.points if p.timestamp < end]

    def last(self) -> float | None:
        return max((p.timestamp for p in self.points), default=None)


def query(cloud: HuaweiCloud, elb_id: str, start: float, end: float) -> dict[str, Series]:
    """One batch call for the three metrics of one ELB between `start` and `end` (seconds)."""
    from huaweicloudsdkces.v1.model import (
        BatchListMetricDataRequest,
        BatchListMetricDataRequestBody,
        MetricInfo,
        MetricsDimension,
    )

    body = BatchListMetricDataRequestBody(
        metrics=[
            MetricInfo(
                namespace=NAMESPACE,
                metric_name=metric,
                dimensions=[MetricsDimension(name=DIMENSION, value=elb_id)],
            )
            for metric in METRICS
        ],
        period=RAW_PERIOD,
        filter="average",
        _from=int(start * 1000),
        to=int(end * 1000),
    )
    operation = f"query the connection metrics of ELB {elb_id}"
    response = cloud.call(
        API,
        operation,
        lambda: cloud.ces().batch_list_metric_data_invoker(BatchListMetricDataRequest(body=body)),
    )
    return _series(response, operation)


def _series(response: Any, operation: str) -> dict[str, Series]:
    found = {metric: Series(metric) for metric in METRICS}
    metrics = getattr(response, "metrics", None)
    if not isinstance(metrics, list):
        raise LiveError(Failure.MALFORMED, API, operation, "no metrics list in the answer")
    try:
        for entry in metrics:
            series = found.get(str(entry.metric_name))
            if series is None:
                continue
            for point in entry.datapoints or []:
                if point.average is None or point.timestamp is None:
                    continue
                series.points.append(Point(int(point.timestamp) / 1000, float(point.average)))
    except (TypeError, ValueError, AttributeError) as exc:
        raise LiveError(Failure.MALFORMED, API, operation, f"a datapoint is not a number: {exc}") from None
    for series in found.values():
        series.points.sort(key=lambda p: p.timestamp)
    return found


@dataclass(frozen=True)
class Evidence:
    """What Cloud Eye saw of the probe: new connections above the baseline during the probe."""

    baseline_rate: float  # new connections per second before the probe
    observed: float  # new connections counted from the probe's start, minus the baseline
    covered: bool  # Cloud Eye has published samples up to the probe's end
    has_data: bool  # any sample at all for this ELB
    interval: float
    concurrent_peak: dict[str, float]

    def describe(self) -> str:
        peaks = ", ".join(f"{m} peak {v:g}" for m, v in sorted(self.concurrent_peak.items()))
        return (
            f"m4_ncps: {self.observed:.1f} new connections above a baseline of {self.baseline_rate:.3g}/s"
            + (f"; {peaks}" if peaks else "")
        )


def evidence(
    series: dict[str, Series], probe_start: float, probe_end: float, fallback_interval: float
) -> Evidence:
    """New connections = sum over the samples from the probe's start of (rate - baseline) x sample
    length; the baseline is the mean rate of the samples before the probe."""
    new = series[NEW_CONNECTIONS]
    interval = new.interval(fallback_interval)
    # the sample that contains the probe's start begins up to one interval earlier
    window_start = probe_start - interval
    before = new.before(window_start)
    baseline = statistics.fmean(p.value for p in before) if before else 0.0
    during = new.since(window_start)
    observed = sum((p.value - baseline) * interval for p in during)
    last = new.last()
    peaks = {}
    for metric in CONCURRENT:
        points = series[metric].since(window_start)
        if points:
            peaks[metric] = max(p.value for p in points)
    return Evidence(
        baseline_rate=baseline,
        observed=max(0.0, observed),
        covered=last is not None and last >= probe_end,
        has_data=bool(new.points),
        interval=interval,
        concurrent_peak=peaks,
    )
