//! Benchmarks of the store on a 10,000-card book in a real sled database (temp dir): a client
//! write (one transaction, flushed), reading one card, listing the book's etags, the change log
//! since the start and since a recent point, and the outbox.
//!
//! `cargo bench -p store`.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use store::{BookName, ClientPut, GoogleAccountRef, Store, User};

const USER: &str = "bench";
const CARDS: usize = 10_000;

fn card(uid: &str, n: usize) -> Vec<u8> {
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Person {n}\r\nN:{n};Person;;;\r\n\
         EMAIL;TYPE=INTERNET:person{n}@example.org\r\nTEL;TYPE=CELL:+1 555 {n:07}\r\nEND:VCARD\r\n"
    )
    .into_bytes()
}

fn put(uid: &str, n: usize) -> ClientPut {
    ClientPut {
        href: format!("{uid}.vcf"),
        uid: uid.to_owned(),
        vcard: card(uid, n),
        if_match: None,
        if_none_match_any: false,
    }
}

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("store");
    store
        .put_user(&User {
            name: USER.into(),
            password_hash: "not used".into(),
            google: GoogleAccountRef {
                label: "bench".into(),
            },
        })
        .expect("user");
    for n in 0..CARDS {
        store
            .client_put(USER, BookName::Contacts, put(&format!("seed-{n}"), n))
            .expect("seed");
    }
    (dir, store)
}

fn benches(c: &mut Criterion) {
    let (_dir, store) = seeded();
    let mut g = c.benchmark_group("store, 10k-card book");
    g.sample_size(30);
    let mut n = 0usize;
    g.bench_function("client_put (new card, durable)", |b| {
        b.iter_batched(
            || {
                n += 1;
                put(&format!("new-{n}"), n)
            },
            |p| store.client_put(USER, BookName::Contacts, p).expect("put"),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("card (one by href)", |b| {
        b.iter(|| {
            store
                .card(USER, BookName::Contacts, "seed-4242.vcf")
                .expect("card")
                .expect("exists")
        })
    });
    g.bench_function("card_metas (whole book)", |b| {
        b.iter(|| store.card_metas(USER, BookName::Contacts).expect("metas"))
    });
    g.bench_function("changes_since (start)", |b| {
        b.iter(|| {
            store
                .changes_since(USER, BookName::Contacts, None)
                .expect("changes")
        })
    });
    let recent = store.book(USER, BookName::Contacts).expect("book").seq - 10;
    g.bench_function("changes_since (10 changes ago)", |b| {
        b.iter(|| {
            store
                .changes_since(USER, BookName::Contacts, Some(recent))
                .expect("changes")
        })
    });
    g.bench_function("outbox (first 200)", |b| {
        b.iter(|| store.outbox(USER, 200).expect("outbox"))
    });
    g.finish();
}

criterion_group!(store_benches, benches);
criterion_main!(store_benches);
