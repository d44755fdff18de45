//! The run's figures: per round and per series (rates from the chain's blocks, ratios to the
//! transfer baseline, capacity by weight, CPU per extrinsic, latency), the runtime-API
//! queries, the JSON file, the table and the chart.

use crate::{queries::QueryResult, submit::Latency, watch::ObservedBlock};
use frame_support::weights::Weight;
use plotters::prelude::*;
use serde::Serialize;
use std::{fmt::Write as _, path::Path};

/// The `p`-th percentile (nearest rank) of `sorted`, or 0 if empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
	if sorted.is_empty() {
		return 0.0;
	}
	let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
	sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of `values` (any order), or 0 if empty.
pub fn median(values: &[f64]) -> f64 {
	let mut sorted = values.to_vec();
	sorted.sort_by(f64::total_cmp);
	match sorted.len() {
		0 => 0.0,
		n if n % 2 == 1 => sorted[n / 2],
		n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
	}
}

/// The median of some values, or `None` if there are none.
fn median_of(values: impl Iterator<Item = f64>) -> Option<f64> {
	let values: Vec<f64> = values.collect();
	(!values.is_empty()).then(|| median(&values))
}

/// p50, p95 and p99 of a set of milliseconds.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Percentiles {
	pub samples: usize,
	pub p50_ms: f64,
	pub p95_ms: f64,
	pub p99_ms: f64,
}

impl Percentiles {
	pub fn of(values: impl Iterator<Item = f64>) -> Self {
		let mut sorted: Vec<f64> = values.collect();
		sorted.sort_by(f64::total_cmp);
		Self {
			samples: sorted.len(),
			p50_ms: percentile(&sorted, 50.0),
			p95_ms: percentile(&sorted, 95.0),
			p99_ms: percentile(&sorted, 99.0),
		}
	}
}

/// Latency from submission, to in-block and to finalized.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LatencyReport {
	pub in_block: Percentiles,
	pub finalized: Percentiles,
}

impl LatencyReport {
	pub fn of(samples: &[Latency]) -> Self {
		Self {
			in_block: Percentiles::of(samples.iter().filter_map(|s| s.in_block_ms)),
			finalized: Percentiles::of(samples.iter().filter_map(|s| s.finalized_ms)),
		}
	}
}

/// What one round of one series did, counted from the chain.
#[derive(Clone, Debug, Serialize)]
pub struct RoundReport {
	pub repetition: usize,
	pub sent: u64,
	pub accepted: u64,
	pub refused: u64,
	pub refusals: Vec<String>,
	/// What the chain's blocks say.
	#[serde(flatten)]
	pub chain: RoundCounts,
	pub submit_seconds: f64,
	pub latency: LatencyReport,
}

/// A block of a round: its number, arrival (seconds since the watcher started) and count.
#[derive(Clone, Debug, Serialize)]
pub struct BlockPoint {
	pub number: u64,
	pub seconds: f64,
	pub included: u64,
	/// The normal class's consumed weight after refunds (`System::BlockWeight`).
	pub normal_ref_time_us: Option<f64>,
	pub normal_proof_bytes: Option<u64>,
}

/// The weight of one transaction of a series and how many fit in a block.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Capacity {
	/// `TransactionPaymentApi_query_info` of a sample (call and extensions, no base).
	pub weight_ref_time_us: f64,
	pub weight_proof_bytes: u64,
	pub length_bytes: u64,
	/// Transactions per block by each dimension of the normal class's limits (the extrinsic
	/// base weight added per transaction) and the least of them.
	pub by_ref_time: u64,
	pub by_proof_size: u64,
	pub by_length: u64,
	pub per_block: u64,
	/// Which dimension binds: `ref_time`, `proof_size` or `length`.
	pub binding: &'static str,
	/// Capacity per second on this dev node's block time, on a parachain with 6 s blocks
	/// and with 2 s blocks (elastic scaling on three cores).
	pub per_second_dev: f64,
	pub per_second_parachain_6s: f64,
	pub per_second_elastic_2s: f64,
}

/// A ratio of a series' rate to the transfer baseline's, over the pairs of rounds.
#[derive(Clone, Debug, Serialize)]
pub struct Ratio {
	pub median: f64,
	pub min: f64,
	pub max: f64,
	pub pairs: usize,
}

/// Everything about one series.
#[derive(Clone, Debug, Serialize)]
pub struct SeriesReport {
	pub name: String,
	pub description: String,
	pub pallet: String,
	pub call: String,
	pub capacity: Capacity,
	pub sent: u64,
	pub included: u64,
	pub succeeded: u64,
	/// Median over the rounds.
	pub rate_per_second: f64,
	pub per_block_mean: f64,
	pub per_block_max: u64,
	pub cpu_us_per_extrinsic: Option<f64>,
	/// Medians over the rounds of their mean block fill (normal class, after refunds).
	pub normal_fill_ref_time: Option<f64>,
	pub normal_fill_proof: Option<f64>,
	pub latency: LatencyReport,
	/// The series' rate over the transfer rate of the round just before it (None for the
	/// baseline itself).
	pub ratio_to_transfer: Option<Ratio>,
	pub rounds: Vec<RoundReport>,
	pub blocks: Vec<BlockPoint>,
}

impl SeriesReport {
	/// Sums and medians over `rounds`.
	pub fn new(
		name: &str,
		description: &str,
		call: &(String, String),
		capacity: Capacity,
		rounds: Vec<RoundReport>,
		blocks: Vec<BlockPoint>,
		latency: LatencyReport,
	) -> Self {
		let rates: Vec<f64> = rounds.iter().map(|r| r.chain.rate_per_second).collect();
		let means: Vec<f64> = rounds.iter().map(|r| r.chain.per_block_mean).collect();
		let cpu: Vec<f64> = rounds.iter().filter_map(|r| r.chain.cpu_us_per_extrinsic).collect();
		Self {
			name: name.to_owned(),
			description: description.to_owned(),
			pallet: call.0.clone(),
			call: call.1.clone(),
			capacity,
			sent: rounds.iter().map(|r| r.sent).sum(),
			included: rounds.iter().map(|r| r.chain.included).sum(),
			succeeded: rounds.iter().map(|r| r.chain.succeeded).sum(),
			rate_per_second: median(&rates),
			per_block_mean: median(&means),
			per_block_max: rounds.iter().map(|r| r.chain.per_block_max).max().unwrap_or(0),
			cpu_us_per_extrinsic: (!cpu.is_empty()).then(|| median(&cpu)),
			normal_fill_ref_time: median_of(rounds.iter().filter_map(|r| r.chain.normal_fill_ref_time)),
			normal_fill_proof: median_of(rounds.iter().filter_map(|r| r.chain.normal_fill_proof)),
			latency,
			ratio_to_transfer: None,
			rounds,
			blocks,
		}
	}
}

/// Counts a round from the chain: the blocks after `start_block` holding `call`.
pub fn round_figures(
	blocks: &[ObservedBlock],
	call: &(String, String),
	block_time_s: f64,
	cpu_at_start: Option<u64>,
	normal_limit: Weight,
) -> (RoundCounts, Vec<BlockPoint>) {
	let holding: Vec<(&ObservedBlock, u64, u64)> = blocks
		.iter()
		.map(|block| {
			let (all, ok) = block.count(call);
			(block, all, ok)
		})
		.filter(|(_, all, _)| *all > 0)
		.collect();
	let points: Vec<BlockPoint> = holding
		.iter()
		.map(|(block, all, _)| BlockPoint {
			number: block.number,
			seconds: block.arrived.as_secs_f64(),
			included: *all,
			normal_ref_time_us: block.normal_weight.map(|w| w.ref_time() as f64 / 1e6),
			normal_proof_bytes: block.normal_weight.map(|w| w.proof_size()),
		})
		.collect();
	// How full the normal class was, on average over the round's blocks, in each dimension.
	let fills: Vec<Weight> = holding.iter().filter_map(|(block, _, _)| block.normal_weight).collect();
	let fill = |part: fn(&Weight) -> u64| {
		(!fills.is_empty() && part(&normal_limit) > 0).then(|| {
			fills.iter().map(|w| part(w) as f64 / part(&normal_limit) as f64).sum::<f64>() / fills.len() as f64
		})
	};
	let normal_fill_ref_time = fill(Weight::ref_time);
	let normal_fill_proof = fill(Weight::proof_size);
	let included: u64 = holding.iter().map(|(_, all, _)| all).sum();
	let succeeded: u64 = holding.iter().map(|(_, _, ok)| ok).sum();
	let failures = holding
		.iter()
		.flat_map(|(block, _, _)| block.extrinsics.iter())
		.filter(|e| &e.call == call && !e.success)
		.filter_map(|e| e.failure.as_ref().map(|bytes| format!("0x{}", hex::encode(bytes))))
		.take(5)
		.collect();
	let (rate, basis) = match holding.as_slice() {
		[] => (0.0, "all"),
		[first, interior @ .., last] if interior.len() >= 1 => {
			let count: u64 = interior.iter().map(|(_, all, _)| all).sum();
			let end = interior.last().map_or(last.0.arrived, |(block, _, _)| block.arrived);
			let seconds = (end - first.0.arrived).as_secs_f64();
			(count as f64 / seconds.max(f64::EPSILON), "interior")
		},
		all => {
			let seconds = (all[all.len() - 1].0.arrived - all[0].0.arrived).as_secs_f64() + block_time_s;
			(included as f64 / seconds, "all")
		},
	};
	let per_block_max = holding.iter().map(|(_, all, _)| *all).max().unwrap_or(0);
	let per_block_mean = if holding.is_empty() { 0.0 } else { included as f64 / holding.len() as f64 };
	let cpu = match (cpu_at_start, holding.last().and_then(|(block, _, _)| block.node_cpu_micros)) {
		(Some(start), Some(end)) if included > 0 => Some(end.saturating_sub(start) as f64 / included as f64),
		_ => None,
	};
	let counts = RoundCounts {
		included,
		succeeded,
		failures,
		first_block: holding.first().map_or(0, |(block, _, _)| block.number),
		last_block: holding.last().map_or(0, |(block, _, _)| block.number),
		rate_per_second: rate,
		rate_basis: basis,
		per_block_mean,
		per_block_max,
		cpu_us_per_extrinsic: cpu,
		normal_fill_ref_time,
		normal_fill_proof,
	};
	(counts, points)
}

/// A round counted from the chain's blocks ([`round_figures`]).
#[derive(Clone, Debug, Serialize)]
pub struct RoundCounts {
	/// Extrinsics of the series' call in the round's blocks, and how many succeeded.
	pub included: u64,
	pub succeeded: u64,
	/// The first few dispatch errors (SCALE, hex) of those that failed.
	pub failures: Vec<String>,
	pub first_block: u64,
	pub last_block: u64,
	/// Included per second of wall clock, first and last block excluded (see `rate_basis`).
	pub rate_per_second: f64,
	/// `interior` (blocks strictly between the first and the last, over the time from the
	/// first's arrival to the second-to-last's) or `all` when the round had fewer than three
	/// blocks (everything over first to last arrival plus one block time).
	pub rate_basis: &'static str,
	pub per_block_mean: f64,
	pub per_block_max: u64,
	/// Node CPU time (user + system) from the round's start to its last block, per included.
	pub cpu_us_per_extrinsic: Option<f64>,
	/// The share of the normal class's limit the round's blocks consumed, on average, after
	/// refunds: ref time and proof size.
	pub normal_fill_ref_time: Option<f64>,
	pub normal_fill_proof: Option<f64>,
}

/// Published figures to read ours against (see `../shared/design/performance.md`).
#[derive(Clone, Debug, Serialize)]
pub struct Anchor {
	pub system: &'static str,
	pub figure: &'static str,
	pub source: &'static str,
}

pub const ANCHORS: &[Anchor] = &[
	Anchor { system: "Ethereum (the seed's contract)", figure: "~44k gas per hash record: ~57 records/s at 30M gas per 12 s, ~114 at 60M", source: "22,100 gas per new slot + 21,000 base" },
	Anchor { system: "Hyperledger Fabric, EHR (Caliper)", figure: "~100 writes/s at ~10 s latency; ~1,100-1,300 reads/s", source: "JMIR 2022;24(4):e35013" },
	Anchor { system: "Change Healthcare claims network (Fabric)", figure: "550 tps", source: "published figures" },
	Anchor { system: "Hyperledger Fabric", figure: "> 3,500 tps end to end", source: "Androulaki et al., EuroSys 2018" },
	Anchor { system: "Substrate single chain, transfers", figure: "~1,000-1,500 tps", source: "Polkadot wiki FAQ; substrate#9958" },
	Anchor { system: "polkadot-stps, per parablock", figure: "~91 tps (sync backing), ~700 sTPS (async backing)", source: "polkadot-stps#73" },
];

/// The table printed at the end of a run.
pub fn table(series: &[SeriesReport], queries: &[QueryResult], idle: &LatencyReport) -> String {
	let mut out = String::new();
	let _ = writeln!(
		out,
		"{:<17} {:>9} {:>9} {:>15} {:>9} {:>15} {:>11} {:>11} {:>9} {:>17}",
		"series", "weight us", "proof KiB", "cap/block", "incl/s", "x transfer", "block avg/max", "fill t/p %", "CPU us/tx", "in block p50/p99"
	);
	for s in series {
		let ratio = s.ratio_to_transfer.as_ref().map_or_else(
			|| "baseline".to_owned(),
			|r| format!("{:.2} ({:.2}-{:.2})", r.median, r.min, r.max),
		);
		let latency = &s.latency.in_block;
		let _ = writeln!(
			out,
			"{:<17} {:>9.0} {:>9.1} {:>15} {:>9.0} {:>15} {:>11} {:>11} {:>9} {:>17}",
			s.name,
			s.capacity.weight_ref_time_us,
			s.capacity.weight_proof_bytes as f64 / 1024.0,
			format!("{} ({})", s.capacity.per_block, short(s.capacity.binding)),
			s.rate_per_second,
			ratio,
			format!("{:.0}/{}", s.per_block_mean, s.per_block_max),
			format!("{}/{}", percent(s.normal_fill_ref_time), percent(s.normal_fill_proof)),
			s.cpu_us_per_extrinsic.map_or_else(|| "-".to_owned(), |cpu| format!("{cpu:.0}")),
			format!("{:.0}/{:.0} ms", latency.p50_ms, latency.p99_ms),
		);
	}
	let _ = writeln!(
		out,
		"idle latency (one transfer at a time): in block p50 {:.0} ms, p99 {:.0} ms; finalized p50 {:.0} ms ({} samples)",
		idle.in_block.p50_ms, idle.in_block.p99_ms, idle.finalized.p50_ms, idle.in_block.samples
	);
	if !queries.is_empty() {
		let _ = writeln!(out, "\n{:<24} {:>11} {:>8} {:>10} {:>9} {:>9}", "runtime API", "concurrency", "calls", "calls/s", "p50 ms", "p99 ms");
		for q in queries {
			let _ = writeln!(
				out,
				"{:<24} {:>11} {:>8} {:>10.0} {:>9.2} {:>9.2}",
				q.name, q.concurrency, q.calls, q.calls_per_second, q.p50_ms, q.p99_ms
			);
		}
	}
	out
}

fn percent(share: Option<f64>) -> String {
	share.map_or_else(|| "-".to_owned(), |share| format!("{:.0}", share * 100.0))
}

fn short(binding: &str) -> &str {
	match binding {
		"ref_time" => "time",
		"proof_size" => "proof",
		other => other,
	}
}

/// An SVG chart of included extrinsics per block over time, one line per series.
pub fn chart(path: &Path, series: &[SeriesReport]) -> Result<(), String> {
	let root = SVGBackend::new(path, (1100, 560)).into_drawing_area();
	root.fill(&WHITE).map_err(|error| error.to_string())?;
	let x_max = series
		.iter()
		.flat_map(|s| s.blocks.iter().map(|b| b.seconds))
		.fold(1.0f64, f64::max);
	let y_max = series.iter().flat_map(|s| s.blocks.iter().map(|b| b.included)).max().unwrap_or(1).max(1);
	let mut chart = ChartBuilder::on(&root)
		.caption("medchain-load: included extrinsics per block", ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(40)
		.y_label_area_size(60)
		.build_cartesian_2d(0f64..x_max * 1.02, 0u64..(y_max + y_max / 10 + 1))
		.map_err(|error| error.to_string())?;
	chart
		.configure_mesh()
		.x_desc("seconds since the load started")
		.y_desc("extrinsics per block")
		.draw()
		.map_err(|error| error.to_string())?;
	for (i, s) in series.iter().enumerate() {
		let color = Palette99::pick(i).to_rgba();
		// One segment per round, so rounds of the same series are not joined across others.
		let mut first = true;
		for round in &s.rounds {
			let points: Vec<(f64, u64)> = s
				.blocks
				.iter()
				.filter(|b| b.number >= round.chain.first_block && b.number <= round.chain.last_block)
				.map(|b| (b.seconds, b.included))
				.collect();
			let line = chart
				.draw_series(LineSeries::new(points, color.stroke_width(2)))
				.map_err(|error| error.to_string())?;
			if first {
				line.label(s.name.clone()).legend(move |(x, y)| {
					PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
				});
				first = false;
			}
		}
	}
	chart
		.configure_series_labels()
		.background_style(WHITE.mix(0.85))
		.border_style(BLACK)
		.position(SeriesLabelPosition::UpperRight)
		.draw()
		.map_err(|error| error.to_string())?;
	root.present().map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::watch::ExtrinsicOutcome;
	use std::time::Duration;

	fn block(number: u64, seconds: u64, transfers: u64, cpu: u64) -> ObservedBlock {
		let call = ("Balances".to_owned(), "transfer_keep_alive".to_owned());
		let mut extrinsics = vec![ExtrinsicOutcome { call: ("Timestamp".into(), "set".into()), success: true, failure: None }];
		extrinsics.extend((0..transfers).map(|_| ExtrinsicOutcome { call: call.clone(), success: true, failure: None }));
		ObservedBlock { number, arrived: Duration::from_secs(seconds), node_cpu_micros: Some(cpu), extrinsics, events: vec![], normal_weight: Some(Weight::from_parts(transfers * 2, transfers)) }
	}

	#[test]
	fn percentiles_use_the_nearest_rank() {
		let values: Vec<f64> = (1..=100).map(f64::from).collect();
		assert_eq!(percentile(&values, 50.0), 50.0);
		assert_eq!(percentile(&values, 99.0), 99.0);
		assert_eq!(percentile(&[], 50.0), 0.0);
		assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), 2.5);
	}

	#[test]
	fn rates_leave_out_the_first_and_last_block() {
		let call = ("Balances".to_owned(), "transfer_keep_alive".to_owned());
		// 100 ramp-up, 300 and 300 at full speed one second apart, 50 at the tail.
		let blocks = [block(1, 10, 0, 0), block(2, 11, 100, 1_000), block(3, 12, 300, 2_000), block(4, 13, 300, 3_000), block(5, 14, 50, 4_000)];
		let (counts, points) = round_figures(&blocks, &call, 1.0, Some(500), Weight::from_parts(1_000, 1_000));
		assert_eq!((counts.included, counts.succeeded, counts.first_block, counts.last_block), (750, 750, 2, 5));
		// blocks 3 and 4 (600) over the time from block 2 to block 4 (2 s)
		assert_eq!(counts.rate_basis, "interior");
		assert_eq!(counts.rate_per_second, 300.0);
		assert_eq!((counts.per_block_mean, counts.per_block_max), (187.5, 300));
		assert_eq!(counts.cpu_us_per_extrinsic, Some(3_500.0 / 750.0));
		assert_eq!(points.len(), 4);
		// (0.2 + 0.6 + 0.6 + 0.1) / 4 of the ref time, half that of the proof size
		assert_eq!(counts.normal_fill_ref_time, Some(0.375));
		assert_eq!(counts.normal_fill_proof, Some(0.1875));
		// Two blocks: everything over their span plus one block time.
		let (counts, _) = round_figures(&blocks[1..3], &call, 1.0, None, Weight::from_parts(1_000, 1_000));
		assert_eq!((counts.rate_basis, counts.rate_per_second), ("all", 200.0));
	}
}
