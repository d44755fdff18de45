//! `medchain-load growth`: how the cost of every series and runtime-API query grows from a run
//! on a small synthetic state to a run on a large one (`--populate`), from their `load.json`.
//!
//! A series' cost ratio is taken relative to the transfer baseline of its own run (its rate's
//! ratio to transfers on the small state over that ratio on the large state), so the machine's
//! noise between the two runs cancels; the transfer baseline itself, and the node CPU per
//! extrinsic, are compared directly. A query's cost ratio is its p50 latency at concurrency 1,
//! large over small. The target is at most 1.2 for each.

use serde::Serialize;
use serde_json::Value;
use std::{fmt::Write as _, path::Path};

/// The most a cost may grow from the small to the large state.
pub const TARGET: f64 = 1.2;

/// One series on both states.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SeriesGrowth {
	pub name: String,
	/// The headline: relative to transfers (rate ratio small / large), or the wall-clock rate
	/// ratio small / large for the transfer baseline itself.
	pub cost_ratio: Option<f64>,
	/// Included per second, small and large.
	pub rate_small: f64,
	pub rate_large: f64,
	/// Node CPU microseconds per included extrinsic, large / small.
	pub cpu_ratio: Option<f64>,
}

/// One query at one concurrency on both states.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct QueryGrowth {
	pub name: String,
	pub concurrency: u64,
	pub p50_ms_small: f64,
	pub p50_ms_large: f64,
	/// p50 large / small.
	pub p50_ratio: Option<f64>,
	/// calls/s small / large.
	pub throughput_ratio: Option<f64>,
}

fn ratio(numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
	match (numerator, denominator) {
		(Some(n), Some(d)) if d > 0.0 => Some(n / d),
		_ => None,
	}
}

fn series_of(run: &Value) -> Vec<&Value> {
	run["series"].as_array().map(|all| all.iter().collect()).unwrap_or_default()
}

/// The growth of every series and query present in both runs.
pub fn compare(small: &Value, large: &Value) -> (Vec<SeriesGrowth>, Vec<QueryGrowth>) {
	let mut series = Vec::new();
	for s in series_of(small) {
		let Some(name) = s["name"].as_str() else { continue };
		let Some(l) = series_of(large).into_iter().find(|l| l["name"].as_str() == Some(name)) else { continue };
		let rate = |v: &Value| v["rate_per_second"].as_f64();
		let to_transfer = |v: &Value| v["ratio_to_transfer"]["median"].as_f64();
		let cost_ratio = match (to_transfer(s), to_transfer(l)) {
			(Some(small), Some(large)) => ratio(Some(small), Some(large)),
			_ => ratio(rate(s), rate(l)),
		};
		series.push(SeriesGrowth {
			name: name.to_owned(),
			cost_ratio,
			rate_small: rate(s).unwrap_or(0.0),
			rate_large: rate(l).unwrap_or(0.0),
			cpu_ratio: ratio(l["cpu_us_per_extrinsic"].as_f64(), s["cpu_us_per_extrinsic"].as_f64()),
		});
	}
	let mut queries = Vec::new();
	let empty = Vec::new();
	let large_queries = large["queries"].as_array().unwrap_or(&empty);
	for q in small["queries"].as_array().unwrap_or(&empty) {
		let (Some(name), Some(concurrency)) = (q["name"].as_str(), q["concurrency"].as_u64()) else { continue };
		let Some(l) = large_queries
			.iter()
			.find(|l| l["name"].as_str() == Some(name) && l["concurrency"].as_u64() == Some(concurrency))
		else {
			continue;
		};
		queries.push(QueryGrowth {
			name: name.to_owned(),
			concurrency,
			p50_ms_small: q["p50_ms"].as_f64().unwrap_or(0.0),
			p50_ms_large: l["p50_ms"].as_f64().unwrap_or(0.0),
			p50_ratio: ratio(l["p50_ms"].as_f64(), q["p50_ms"].as_f64()),
			throughput_ratio: ratio(q["calls_per_second"].as_f64(), l["calls_per_second"].as_f64()),
		});
	}
	(series, queries)
}

fn figure(value: Option<f64>) -> String {
	value.map_or("-".into(), |v| format!("{v:.2}"))
}

/// The table printed by `growth`.
pub fn table(series: &[SeriesGrowth], queries: &[QueryGrowth], sizes: (&Value, &Value)) -> String {
	let mut out = String::new();
	let _ = writeln!(out, "cost at {} records over cost at {} (target <= {TARGET})", sizes.1, sizes.0);
	let _ = writeln!(out, "{:<18} {:>10} {:>10} {:>10} {:>10}", "series", "cost", "rate small", "rate large", "cpu/ext");
	for s in series {
		let _ = writeln!(
			out,
			"{:<18} {:>10} {:>10.0} {:>10.0} {:>10}",
			s.name,
			figure(s.cost_ratio),
			s.rate_small,
			s.rate_large,
			figure(s.cpu_ratio)
		);
	}
	let _ = writeln!(out, "{:<26} {:>4} {:>9} {:>9} {:>8} {:>8}", "query", "x", "p50 small", "p50 large", "p50", "calls/s");
	for q in queries {
		let _ = writeln!(
			out,
			"{:<26} {:>4} {:>9.2} {:>9.2} {:>8} {:>8}",
			q.name,
			q.concurrency,
			q.p50_ms_small,
			q.p50_ms_large,
			figure(q.p50_ratio),
			figure(q.throughput_ratio)
		);
	}
	out
}

fn read(path: &Path) -> Result<Value, String> {
	let bytes = std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))?;
	serde_json::from_slice(&bytes).map_err(|error| format!("{}: {error}", path.display()))
}

/// Compares two runs and writes `out/growth.json`; `Ok(false)` if either run is not a
/// populated one or they share no series.
pub fn run(small: &Path, large: &Path, out: &Path) -> Result<bool, String> {
	let (small_run, large_run) = (read(small)?, read(large)?);
	let size = |run: &Value| run["settings"]["populated"]["records"].clone();
	let sizes = (size(&small_run), size(&large_run));
	if sizes.0.is_null() || sizes.1.is_null() {
		eprintln!("[load] growth: both runs must be made with --populate");
		return Ok(false);
	}
	let (series, queries) = compare(&small_run, &large_run);
	let over: Vec<String> = series
		.iter()
		.filter(|s| s.cost_ratio.is_some_and(|r| r > TARGET))
		.map(|s| s.name.clone())
		.chain(
			queries
				.iter()
				.filter(|q| q.concurrency == 1 && q.p50_ratio.is_some_and(|r| r > TARGET))
				.map(|q| format!("{} (query)", q.name)),
		)
		.collect();
	let report = serde_json::json!({
		"small": { "file": small, "records": sizes.0, "populated": small_run["settings"]["populated"] },
		"large": { "file": large, "records": sizes.1, "populated": large_run["settings"]["populated"] },
		"target": TARGET,
		"series": series,
		"queries": queries,
		"over_target": over,
	});
	std::fs::create_dir_all(out).map_err(|error| format!("{}: {error}", out.display()))?;
	let path = out.join("growth.json");
	std::fs::write(&path, serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?)
		.map_err(|error| format!("{}: {error}", path.display()))?;
	print!("{}", table(&series, &queries, (&sizes.0, &sizes.1)));
	println!("[load] growth: {}; over the target: {}", path.display(), if over.is_empty() { "none".into() } else { over.join(", ") });
	Ok(!series.is_empty())
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	fn run(transfer: f64, record: f64, record_to_transfer: f64, cpu: f64, p50: f64) -> Value {
		json!({
			"series": [
				{ "name": "transfer", "rate_per_second": transfer, "cpu_us_per_extrinsic": 1500.0, "ratio_to_transfer": null },
				{ "name": "record_patient", "rate_per_second": record, "cpu_us_per_extrinsic": cpu,
				  "ratio_to_transfer": { "median": record_to_transfer } },
			],
			"queries": [
				{ "name": "check_access", "concurrency": 1, "p50_ms": p50, "calls_per_second": 1000.0 / p50 },
				{ "name": "only_small", "concurrency": 1, "p50_ms": 1.0, "calls_per_second": 1.0 },
			],
		})
	}

	#[test]
	fn costs_are_compared_relative_to_each_runs_transfers() {
		// The large run's machine was 20% slower overall: transfers and records alike, so the
		// record's cost relative to transfers did not grow; its CPU per record did by 10%.
		let small = run(1000.0, 500.0, 0.5, 2000.0, 0.4);
		let mut large = run(800.0, 400.0, 0.5, 2200.0, 0.5);
		large["queries"].as_array_mut().unwrap().pop();
		let (series, queries) = compare(&small, &large);
		assert_eq!(series.len(), 2);
		assert_eq!(series[0].cost_ratio, Some(1.25), "the baseline itself: wall-clock rate");
		assert_eq!(series[1].cost_ratio, Some(1.0));
		assert!((series[1].cpu_ratio.unwrap() - 1.1).abs() < 1e-9);
		assert_eq!(queries.len(), 1, "only queries both runs made");
		assert!((queries[0].p50_ratio.unwrap() - 1.25).abs() < 1e-9);
	}
}
