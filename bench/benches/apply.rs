//! Applying writes to the in-memory index (criterion), on the Drive-like
//! data set: what a replica does under its write lock for each revision.
//!
//! - `ordinary_10000`: remove then insert again 10,000 relationships of the
//!   data set (documents' viewers, owners, parents: subjects that appear in
//!   a few resources each);
//! - `one_subject_20000`: remove then insert again the viewer `user:*` of
//!   20,000 documents, one subject that appears in every one of them (a
//!   company-wide group or a public wildcard, deleted and written back);
//! - `clone`: a copy of the whole index, what a replica pays to apply a
//!   large write beside the index readers use instead of in it.
//!
//! `cargo bench -p warden-bench --bench apply` (size:
//! WARDEN_BENCH_RELATIONSHIPS, default 100000).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use warden_bench::dataset::bench_index;
use warden_server::authz::engine::{Subject, Tuple};

fn bench(c: &mut Criterion) {
    let (data, mut index) = bench_index();
    let ordinary: Vec<Tuple> = data
        .tuples
        .iter()
        .step_by(7)
        .take(10_000)
        .cloned()
        .collect();
    let public: Vec<Tuple> = (0..20_000)
        .map(|d| Tuple {
            resource_type: "document".into(),
            resource_id: format!("public{d}"),
            relation: "viewer".into(),
            subject: Subject::object("user", "*"),
        })
        .collect();
    for t in &public {
        index.insert(t.clone(), None);
    }
    let len = index.len();

    let mut group = c.benchmark_group(format!("apply/{}", data.tuples.len()));
    group.sample_size(10);
    for (name, tuples) in [
        ("ordinary_10000", &ordinary),
        ("one_subject_20000", &public),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                for t in tuples.iter() {
                    assert!(index.remove(t));
                }
                for t in tuples.iter() {
                    index.insert(t.clone(), None);
                }
            })
        });
        assert_eq!(index.len(), len);
    }
    group.bench_function("clone", |b| {
        b.iter_batched(|| (), |()| index.clone(), BatchSize::PerIteration)
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
