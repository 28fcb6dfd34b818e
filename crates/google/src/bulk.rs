//! Bulk mutations: many creates, updates or deletes cut into the fewest batch calls Google
//! allows (200, 200, 500), sent one after the other, with a result per item.

use std::collections::{BTreeMap, HashMap};

use people::{Person, PersonField, PersonResponse};

use crate::client::GoogleClient;
use crate::error::{Error, ErrorKind, status_is_ok};
use crate::people_api::{MAX_BATCH_CREATE, MAX_BATCH_DELETE, MAX_BATCH_UPDATE};

/// Persons with their position in the caller's input.
type Indexed = Vec<(usize, Person)>;

/// The person in a batch response item, or its error.
fn item_result(resp: PersonResponse, method: &'static str) -> Result<Person, Error> {
    if !status_is_ok(resp.status.as_ref()) {
        let status = resp.status.unwrap_or_default();
        return Err(Error::from_status(&status, None).with_method(method));
    }
    resp.person.ok_or_else(|| {
        Error::new(ErrorKind::Other, "google returned an item without a person").with_method(method)
    })
}

fn missing(method: &'static str) -> Error {
    Error::new(ErrorKind::Other, "google returned no result for this item").with_method(method)
}

/// After a credential failure, no further call can succeed: the remaining items get the error.
fn is_fatal(e: &Error) -> bool {
    e.kind() == ErrorKind::Unauthorized
}

impl GoogleClient {
    /// Creates every person, 200 a call, and returns each created person (every field) or the
    /// error of its item, in input order. A chunk whose response was lost yields
    /// [`ErrorKind::OutcomeUnknown`] for each of its items.
    pub async fn create_all(&self, persons: Vec<Person>) -> Vec<Result<Person, Error>> {
        const M: &str = "people.batchCreateContacts";
        let mut out = Vec::with_capacity(persons.len());
        let mut fatal: Option<Error> = None;
        let mut persons = persons.into_iter().peekable();
        while persons.peek().is_some() {
            let chunk: Vec<Person> = persons.by_ref().take(MAX_BATCH_CREATE).collect();
            let n = chunk.len();
            if let Some(e) = &fatal {
                out.extend(std::iter::repeat_n(Err(e.clone()), n));
                continue;
            }
            match self.batch_create_contacts(chunk, &[]).await {
                Ok(created) => {
                    let mut created = created.into_iter();
                    for _ in 0..n {
                        out.push(
                            created
                                .next()
                                .map_or_else(|| Err(missing(M)), |r| item_result(r, M)),
                        );
                    }
                }
                Err(e) => {
                    if is_fatal(&e) {
                        fatal = Some(e.clone());
                    }
                    out.extend(std::iter::repeat_n(Err(e), n));
                }
            }
        }
        out
    }

    /// Updates every person (carrying its resourceName and etag) with its own mask. Items that
    /// share a mask go together, 200 a call; the results come back in input order.
    pub async fn update_all(
        &self,
        items: Vec<(Person, Vec<PersonField>)>,
    ) -> Vec<Result<Person, Error>> {
        const M: &str = "people.batchUpdateContacts";
        let n = items.len();
        let mut out: Vec<Option<Result<Person, Error>>> = (0..n).map(|_| None).collect();
        // Group by mask, keeping first-seen order of masks and input order within a mask.
        let mut groups: Vec<(Vec<PersonField>, Indexed)> = Vec::new();
        let mut index: BTreeMap<Vec<PersonField>, usize> = BTreeMap::new();
        for (i, (person, mut mask)) in items.into_iter().enumerate() {
            mask.sort();
            mask.dedup();
            let g = *index.entry(mask.clone()).or_insert_with(|| {
                groups.push((mask, Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push((i, person));
        }
        let mut fatal: Option<Error> = None;
        for (mask, members) in groups {
            for chunk in chunk_unique(members, MAX_BATCH_UPDATE) {
                if let Some(e) = &fatal {
                    for (i, _) in chunk {
                        out[i] = Some(Err(e.clone()));
                    }
                    continue;
                }
                let mut slots: Vec<(usize, Option<String>)> = Vec::with_capacity(chunk.len());
                let mut persons = Vec::with_capacity(chunk.len());
                for (i, p) in chunk {
                    slots.push((i, p.resource_name.clone()));
                    persons.push(p);
                }
                match self.batch_update_contacts(persons, &mask, &[]).await {
                    Ok(mut results) => {
                        for (i, name) in slots {
                            let r = name
                                .and_then(|n| results.remove(&n))
                                .map_or_else(|| Err(missing(M)), |r| item_result(r, M));
                            out[i] = Some(r);
                        }
                    }
                    Err(e) => {
                        if is_fatal(&e) {
                            fatal = Some(e.clone());
                        }
                        for (i, _) in slots {
                            out[i] = Some(Err(e.clone()));
                        }
                    }
                }
            }
        }
        out.into_iter()
            .map(|r| r.unwrap_or_else(|| Err(missing(M))))
            .collect()
    }

    /// Deletes every contact, 500 a call; returns a result per input name, in input order.
    /// A name given twice is deleted once and both get its result.
    pub async fn delete_all(&self, resource_names: Vec<String>) -> Vec<Result<(), Error>> {
        let mut unique: Vec<String> = Vec::with_capacity(resource_names.len());
        let mut position: HashMap<String, usize> = HashMap::new();
        for name in &resource_names {
            if !position.contains_key(name) {
                position.insert(name.clone(), unique.len());
                unique.push(name.clone());
            }
        }
        let mut results: Vec<Result<(), Error>> = Vec::with_capacity(unique.len());
        let mut fatal: Option<Error> = None;
        for chunk in unique.chunks(MAX_BATCH_DELETE) {
            let r = match &fatal {
                Some(e) => Err(e.clone()),
                None => self.batch_delete_contacts(chunk).await,
            };
            if let Err(e) = &r
                && is_fatal(e)
            {
                fatal = Some(e.clone());
            }
            results.extend(std::iter::repeat_n(r, chunk.len()));
        }
        resource_names
            .iter()
            .map(|n| results[position[n]].clone())
            .collect()
    }
}

/// Cuts `items` into chunks of at most `max` in which no resource name appears twice, in as few
/// chunks as that allows, each item in the first chunk that can take it.
fn chunk_unique(items: Vec<(usize, Person)>, max: usize) -> Vec<Vec<(usize, Person)>> {
    let mut chunks: Vec<Vec<(usize, Person)>> = Vec::new();
    let mut names: Vec<std::collections::HashSet<String>> = Vec::new();
    let mut first_open = 0;
    for (i, p) in items {
        let name = p.resource_name.clone().unwrap_or_default();
        let slot = (first_open..chunks.len())
            .find(|&c| chunks[c].len() < max && !names[c].contains(&name));
        let c = match slot {
            Some(c) => c,
            None => {
                chunks.push(Vec::new());
                names.push(Default::default());
                chunks.len() - 1
            }
        };
        names[c].insert(name);
        chunks[c].push((i, p));
        while first_open < chunks.len() && chunks[first_open].len() >= max {
            first_open += 1;
        }
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str) -> Person {
        Person {
            resource_name: Some(name.into()),
            ..Person::default()
        }
    }

    #[test]
    fn chunks_hold_each_name_once_and_stay_minimal() {
        let items: Vec<_> = (0..450)
            .map(|i| (i, person(&format!("people/c{}", i % 400))))
            .collect();
        let chunks = chunk_unique(items, 200);
        // 450 items, 50 names twice: three chunks suffice.
        assert_eq!(chunks.len(), 3);
        for c in &chunks {
            assert!(c.len() <= 200);
            let names: std::collections::HashSet<_> =
                c.iter().map(|(_, p)| p.resource_name.clone()).collect();
            assert_eq!(names.len(), c.len());
        }
        assert_eq!(chunks.iter().map(Vec::len).sum::<usize>(), 450);
    }
}
