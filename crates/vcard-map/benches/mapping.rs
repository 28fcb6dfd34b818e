//! Throughput of vCard → Person (parse and map, each step alone, and card by card) and Person →
//! vCard on 10,000 realistic cards.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The allocator the `peopledav` binary runs with.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use vcard_map::{GroupTable, Version, card_to_person, parse, parse_one, person_to_vcard};

const CARDS: usize = 10_000;

/// A card as Apple Contacts writes it, varied by `i`.
fn card(i: usize) -> String {
    let lines = [
        "BEGIN:VCARD".to_string(),
        "VERSION:3.0".to_string(),
        "PRODID:-//Apple Inc.//iPhone OS 17.4//EN".to_string(),
        format!("N:Lastname{i};Firstname{};Middle;;", i % 97),
        format!("FN:Firstname{} Middle Lastname{i}", i % 97),
        format!("ORG:Company {};Department {}", i % 131, i % 7),
        "TITLE:Senior Engineer".to_string(),
        format!("EMAIL;type=INTERNET;type=HOME;type=pref:person{i}@home.example"),
        format!("EMAIL;type=INTERNET;type=WORK:person{i}@work.example"),
        format!(
            "TEL;type=CELL;type=VOICE;type=pref:+1 555 {:04}",
            i % 10_000
        ),
        format!("TEL;type=HOME;type=VOICE:+1 555 {:04}", (i * 7) % 10_000),
        format!("item1.TEL:+1 555 {:04}", (i * 13) % 10_000),
        "item1.X-ABLabel:_$!<Other>!$_".to_string(),
        format!(
            "item2.ADR;type=HOME;type=pref:;;{} Main Street;Springfield;IL;627{:02};USA",
            i % 1000,
            i % 100
        ),
        "item2.X-ABADR:us".to_string(),
        format!(
            "BDAY:19{:02}-{:02}-{:02}",
            50 + i % 50,
            1 + i % 12,
            1 + i % 28
        ),
        format!(
            "NOTE:Met at the conference\\, {}.\\nLikes tea and long walks.",
            2000 + i % 25
        ),
        format!("item3.URL;type=pref:https://person{i}.example/"),
        "item3.X-ABLabel:_$!<HomePage>!$_".to_string(),
        format!("X-SOCIALPROFILE;type=twitter:https://twitter.com/person{i}"),
        format!("UID:{i:08X}-1A2B-4C3D-8E9F-0123456789AB"),
        "REV:2024-03-01T10:00:00Z".to_string(),
        "END:VCARD".to_string(),
    ];
    lines.join("\r\n") + "\r\n"
}

fn bench(c: &mut Criterion) {
    let groups = GroupTable::default();
    let body: String = (0..CARDS).map(card).collect();
    let cards: Vec<vcard_map::Card> = parse(body.as_bytes())
        .cards
        .into_iter()
        .map(|c| c.expect("bench cards parse").0)
        .collect();
    let persons: Vec<people::Person> = cards.iter().map(|c| card_to_person(c, &groups)).collect();
    assert_eq!(persons.len(), CARDS);

    let mut g = c.benchmark_group("mapping");
    g.throughput(Throughput::Elements(CARDS as u64));
    g.sample_size(10);
    g.bench_function("parse", |b| b.iter(|| parse(body.as_bytes())));
    g.bench_function("card_to_person", |b| {
        b.iter(|| {
            cards
                .iter()
                .map(|card| card_to_person(card, &groups))
                .collect::<Vec<_>>()
        })
    });
    g.bench_function("vcard_to_person", |b| {
        b.iter(|| {
            // each card mapped as it is read, as `peopledav convert` does
            vcard_map::cards(body.as_bytes())
                .filter_map(Result::ok)
                .map(|(card, _)| card_to_person(&card, &groups))
                .collect::<Vec<_>>()
        })
    });
    // one card at a time, as a CardDAV PUT and a push to Google map them
    let texts: Vec<String> = (0..CARDS).map(card).collect();
    g.bench_function("vcard_to_person_one_by_one", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|text| {
                    let (card, _) = parse_one(text.as_bytes()).expect("bench cards parse");
                    card_to_person(&card, &groups).client_data.len()
                })
                .sum::<usize>()
        })
    });
    for version in [Version::V3, Version::V4] {
        g.bench_function(format!("person_to_vcard_{version}"), |b| {
            b.iter(|| {
                persons
                    .iter()
                    .map(|p| person_to_vcard(p, &groups, version).len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
