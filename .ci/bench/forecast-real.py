#!/usr/bin/env python3
"""Judge `termin forecast` on real hourly demand series, side by side with three baselines in one run.

For each series in .ci/bench/series/: rolling origins over its last four weeks; at each origin everything before the
Monday is history and that week is forecast (`termin forecast --csv HISTORY --horizon 2W --format csv`, W the weekly
pattern's hours). MASE = the week's mean absolute error over the in-sample same-hour-last-week naive's, averaged over
the four weeks. Baselines, measured in the same run: the seasonal naive (same hour last week), the mean of the same
weekday-hour over the last four weeks (a planner's spreadsheet), and statsmodels' ExponentialSmoothing (additive,
damped trend, the week's pattern as season, missing hours filled from a week before). Also the share of actuals
inside Termin's 80 % interval, and the seconds `termin forecast` takes on the last year of the ED series.

Beside them, how much of a series is noise: the variance of its week-to-week changes over the 2 x mean that Poisson
counts would give. Where that is near 1 (a few arrivals an hour), no forecast of the hour's rate can score much below
the MASE a forecast knowing each hour's rate would (E|X - rate| for Poisson counts, the rate taken as the same hour's
mean over the last 12 weeks): the noise floor, printed for such series.

Tooling only (never a product dependency): python3 -m venv /tmp/venv && /tmp/venv/bin/pip install statsmodels
Run:  swift build -c release --product termin && /tmp/venv/bin/python .ci/bench/forecast-real.py
      add --before 4 to judge the four weeks before the last four instead (the window designs are chosen on, so
      that the judged weeks are not the ones a design was tuned to); --no-speed skips the speed runs;
      --shift 1.3@2 multiplies every value from two weeks before each judged week by 1.3 (a sudden change of level:
      a stress test of how soon a forecast follows it, not a real series).
"""
import argparse, csv, datetime as dt, io, math, os, subprocess, sys, time, warnings
import numpy as np

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TERMIN = os.environ.get("TERMIN", os.path.join(ROOT, ".build", "release", "termin"))
SERIES = [  # file, label, whether the value 2 on a whole day is the logger's closure placeholder
    ("moers_buergerservice_wait_minutes_hourly.csv", "Moers Bürgerservice, waiting minutes", True),
    ("bank_calls_hourly.csv", "bank call centre, calls", False),
    ("uihc_ed_arrivals_hourly.csv", "Iowa ED, arrivals", False),
]
WEEKS = 4


def parse(p): return dt.datetime(int(p[:4]), int(p[5:7]), int(p[8:10]), int(p[11:13]))
def fmt(t): return t.strftime("%Y-%m-%dT%H")
def slot(t): return (t.weekday(), t.hour)


def read(path, placeholder_closures):
    rows = {}
    with open(path) as f:
        reader = csv.reader(f); next(reader)
        for p, v in reader: rows[p] = float(v)
    if placeholder_closures:  # closed days left out, as the shared series README says
        days = {}
        for p, v in rows.items(): days.setdefault(p[:10], []).append(v)
        closed = {d for d, vs in days.items() if all(v == 2 for v in vs)}
        rows = {p: v for p, v in rows.items() if p[:10] not in closed}
    return rows


def by_slot(hist):
    s = {}
    for p in sorted(hist): s.setdefault(slot(parse(p)), []).append(hist[p])
    return s


def naive_scale(hist):
    e = [abs(v - hist[q]) for p, v in hist.items() if (q := fmt(parse(p) - dt.timedelta(days=7))) in hist]
    return float(np.mean(e))


def seasonal_naive(hist, test):
    s = by_slot(hist); return {p: s[slot(parse(p))][-1] for p in test if slot(parse(p)) in s}


def four_week_mean(hist, test):
    s = by_slot(hist); return {p: float(np.mean(s[slot(parse(p))][-4:])) for p in test if slot(parse(p)) in s}


def ets(hist, test):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    warnings.simplefilter("ignore")  # statsmodels warns of convergence on most fits; the figures are what count
    pattern = {k for k, v in by_slot(hist).items() if len(v) >= 2}
    t, end, seq, last = parse(min(hist)), parse(max(hist)), [], {}
    while t <= end:
        if slot(t) in pattern:
            v = hist.get(fmt(t), last.get(slot(t), np.nan)); seq.append(v); last[slot(t)] = v
        t += dt.timedelta(hours=1)
    seq = np.array(seq, dtype=float); seq = np.where(np.isnan(seq), np.nanmean(seq), seq)
    m = len(pattern)
    fit = ExponentialSmoothing(seq, trend="add", damped_trend=True, seasonal="add", seasonal_periods=m).fit()
    future, t = [], end + dt.timedelta(hours=1)
    while len(future) < 2 * m:
        if slot(t) in pattern: future.append(fmt(t))
        t += dt.timedelta(hours=1)
    fc = dict(zip(future, fit.forecast(2 * m)))
    return {p: fc[p] for p in test if p in fc}


def poisson_mae(rate):
    """E|X - rate| for Poisson counts X of mean `rate`: the error left to a forecast that knows the rate."""
    if rate <= 0: return 0.0
    counts = np.arange(0, int(rate + 12 * math.sqrt(rate) + 12))
    log_p = counts * math.log(rate) - rate - np.array([math.lgamma(k + 1) for k in counts])
    return float(np.sum(np.exp(log_p) * np.abs(counts - rate)))


def dispersion(rows):
    """The variance of the series' week-to-week changes over the 2 x mean that Poisson counts would give them."""
    changes = [v - rows[q] for p, v in rows.items() if (q := fmt(parse(p) - dt.timedelta(days=7))) in rows]
    return float(np.var(changes)) / (2 * float(np.mean(list(rows.values()))))


def noise_floor(hist, test, scale):
    """The MASE of a forecast that knew each judged hour's Poisson rate (its same-hour mean over 12 weeks)."""
    s = by_slot(hist)
    return float(np.mean([poisson_mae(np.mean(s[slot(parse(p))][-12:])) for p in test if slot(parse(p)) in s])) / scale


def termin(hist, horizon, path=f"/tmp/termin-forecast-bench-history-{os.getpid()}.csv"):  # one per run: runs may overlap
    with open(path, "w") as f:
        f.write("period,value\n")
        for p in sorted(hist): f.write(f"{p},{hist[p]:g}\n")
    started = time.perf_counter()
    out = subprocess.run([TERMIN, "forecast", "--csv", path, "--horizon", str(horizon), "--format", "csv"],
                         capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    if out.returncode != 0: sys.exit(f"termin forecast failed: {out.stderr}")
    rows = {r["period"]: r for r in csv.DictReader(io.StringIO(out.stdout))}
    return rows, seconds


def shifted(rows, monday, shift):
    """`rows` with every value from `weeks` weeks before `monday` on multiplied by `factor` (a sudden change of level)."""
    if shift is None: return rows
    factor, weeks = shift; start = monday - dt.timedelta(weeks=weeks)
    return {p: v * factor if parse(p) >= start else v for p, v in rows.items()}


def judge(rows, before=0, shift=None):
    last = parse(max(rows))
    final_monday = (last - dt.timedelta(days=last.weekday())).replace(hour=0)
    scores = {k: [] for k in ("termin", "naive", "mean4", "ets", "floor")}; inside = total = 0; seconds = []
    for k in reversed(range(WEEKS)):
        monday = final_monday - dt.timedelta(weeks=k + before)
        judged = shifted(rows, monday, shift)
        hist = {p: v for p, v in judged.items() if parse(p) < monday}
        test = {p: v for p, v in judged.items() if monday <= parse(p) < monday + dt.timedelta(days=7)}
        scale = naive_scale(hist)
        forecast, took = termin(hist, 2 * len(by_slot(hist))); seconds.append(took)
        for name, fc in (("termin", {p: float(r["forecast"]) for p, r in forecast.items()}),
                         ("naive", seasonal_naive(hist, test)), ("mean4", four_week_mean(hist, test)),
                         ("ets", ets(hist, test))):
            errors = [abs(fc[p] - v) for p, v in test.items() if p in fc]
            scores[name].append(float(np.mean(errors)) / scale)
        scores["floor"].append(noise_floor(hist, test, scale))
        for p, v in test.items():
            if p in forecast:
                total += 1; inside += float(forecast[p]["lower80"]) <= v <= float(forecast[p]["upper80"])
    return scores, inside / total, seconds


def main():
    parser = argparse.ArgumentParser(description="judge termin forecast on real series")
    parser.add_argument("--before", type=int, default=0, help="weeks left out at the end (0: judge the last four)")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed runs")
    def shift_spec(text):
        factor, at, weeks = text.partition("@")
        try:
            if at and float(factor) > 0 and int(weeks) >= 1: return float(factor), int(weeks)
        except ValueError:
            pass
        raise argparse.ArgumentTypeError(f"{text!r}: give FACTOR@WEEKS, a positive factor and whole weeks, e.g. 1.3@2")
    parser.add_argument("--shift", metavar="FACTOR@WEEKS", type=shift_spec, help="a stress test, not a real series: every value from "
                        "WEEKS weeks before each judged week on multiplied by FACTOR (a sudden change of level)")
    args = parser.parse_args()
    shift = args.shift
    if not os.path.exists(TERMIN): sys.exit(f"no {TERMIN}: swift build -c release --product termin (or set TERMIN)")
    window = f"the {WEEKS} weeks before the last {args.before}" if args.before else f"last {WEEKS} weeks"
    if shift: window += f", every value x{shift[0]:g} from {shift[1]} weeks before each judged week (a stress test)"
    print(f"termin: {TERMIN}; {window} of each series, each forecast from everything before it\n")
    header = f"{'series':40s} {'Termin':>7s} {'naive':>7s} {'4-wk mean':>9s} {'ETS':>7s}  {'vs best baseline':>16s}  {'cover 80 %':>10s}"
    print(header); print("-" * len(header))
    ratios = []
    for file, label, placeholder in SERIES:
        rows = read(os.path.join(HERE, "series", file), placeholder)
        scores, coverage, seconds = judge(rows, args.before, shift)
        mean = {k: float(np.mean(v)) for k, v in scores.items()}
        best = min(mean["naive"], mean["mean4"], mean["ets"]); ratios.append(mean["termin"] / best)
        print(f"{label:40s} {mean['termin']:7.3f} {mean['naive']:7.3f} {mean['mean4']:9.3f} {mean['ets']:7.3f}"
              f"  {100 * (mean['termin'] / best - 1):+15.1f}%  {100 * coverage:9.1f}%")
        for k, v in scores.items():
            if k != "floor": print(f"    {k:7s} by week: " + ", ".join(f"{x:.3f}" for x in v))
        noise = dispersion(rows)
        print(f"    noise: week-to-week changes vary {noise:.2f}x as much as Poisson counts'" + (
            f"; a forecast knowing each hour's rate would score about {mean['floor']:.3f} (the noise floor), "
            f"{100 * (mean['floor'] / best - 1):+.1f} % against the best baseline" if noise < 1.5 else ""))
        print(f"    termin forecast: {np.mean(seconds):.2f} s a run on average ({len(rows)} hours of history at most)")
    print(f"\nTermin against the best baseline, mean over series: {100 * (np.mean(ratios) - 1):+.1f} %")
    if args.no_speed: return
    # Speed: a year of hourly history (the ED series' last 52 weeks, 24/7), one week ahead.
    rows = read(os.path.join(HERE, "series", "uihc_ed_arrivals_hourly.csv"), False)
    runs = [termin(rows, 168)[1] for _ in range(3)]
    print(f"speed: a forecast of a year of hourly history ({len(rows)} hours, season 168): "
          f"{min(runs):.2f} s best of 3, {np.median(runs):.2f} s median")


if __name__ == "__main__":
    main()
