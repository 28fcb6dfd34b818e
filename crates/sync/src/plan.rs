//! The pure planner: both sides' state in, a printable list of operations out (no I/O).
//!
//! The engine gathers a [`LocalState`] from the store and a [`RemoteView`] from Google, calls
//! [`plan`], checks the [`Plan`] against the mass-delete guard, and executes it (or prints it for
//! `sync --dry-run`). Rules, per card of one address book:
//!
//! - the outbox is coalesced per href: the store's current card is the truth, so any number of
//!   edits of one card become one create or one update (or one delete when the card is gone);
//! - a Google change whose etag is the one last synced is our own write coming back: nothing;
//! - a card changed on both sides becomes a [`Op::Merge`] (fetch, three-way merge, update);
//! - an edit beats a delete on the other side (a deleted-in-Google card edited by the client is
//!   created again; a client-deleted card edited in Google comes back), so no edit is lost;
//! - an unlinked card whose UID Google already holds (a create whose answer was lost) is
//!   [`Op::Link`]ed instead of created again;
//! - on a full listing, linked cards whose person vanished are deleted, and unlinked cards that
//!   nothing is pushing are created.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use people::PersonField;

/// The Google side of a synced card, as the store remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub resource_name: String,
    pub person_etag: String,
}

/// One card of the book as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCard {
    pub href: String,
    pub uid: String,
    pub link: Option<LinkRef>,
    /// A group card (KIND:group); planned through [`LocalState::group_cards`] instead.
    pub group: bool,
}

/// One outbox entry (the store's, reduced to what planning needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub seq: u64,
    pub href: String,
    pub uid: String,
    pub delete: bool,
}

/// A group card the client wrote: its name and the members it lists, as Google resource names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupCardEdit {
    pub href: String,
    pub name: String,
    pub members: BTreeSet<String>,
    /// It lists cards not in Google yet: it waits for their creates, which come later in the
    /// round, and is planned then ([`group_card_ops`]).
    pub lists_unlinked: bool,
}

/// A contact group as the store remembers it (last synced).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalGroup {
    pub resource_name: String,
    pub name: String,
    pub etag: String,
    pub card_href: Option<String>,
    /// Members as of the last sync.
    pub members: BTreeSet<String>,
}

/// Everything the planner needs from the store for one book.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalState {
    pub cards: Vec<LocalCard>,
    pub outbox: Vec<OutboxItem>,
    /// Links of cards the client deleted (the card is gone, its link is not yet).
    pub deleted_links: BTreeMap<String, LinkRef>,
    /// For linked cards with pending edits: the fields that differ from the last synced Person.
    pub dirty_fields: BTreeMap<String, Vec<PersonField>>,
    /// UIDs whose create was sent without a known outcome.
    pub pending_creates: BTreeSet<String>,
    pub groups: Vec<LocalGroup>,
    /// Group cards among the outbox's puts.
    pub group_cards: Vec<GroupCardEdit>,
}

/// A person as Google lists it, reduced to what planning needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePerson {
    pub resource_name: String,
    pub etag: String,
    /// The card UID kept in clientData, when the bridge created the person.
    pub uid: Option<String>,
}

/// A contact group as Google lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteGroup {
    pub resource_name: String,
    pub name: String,
    pub etag: String,
    pub members: BTreeSet<String>,
}

/// What Google reported for one book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteView {
    /// Changes since the stored sync token.
    Incremental {
        changed: Vec<RemotePerson>,
        deleted: Vec<String>,
    },
    /// Every person, to be diffed against the store.
    Full { persons: Vec<RemotePerson> },
}

/// Google's user contact groups (system groups left out); `None` when they were not listed.
pub type RemoteGroups = Option<Vec<RemoteGroup>>;

/// Which way an operation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Push,
    Pull,
}

/// One planned operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    PushCreate {
        href: String,
        uid: String,
    },
    PushUpdate {
        href: String,
        resource: String,
        mask: Vec<PersonField>,
    },
    PushDelete {
        href: String,
        resource: String,
    },
    PullUpsert {
        resource: String,
        href: String,
        new: bool,
    },
    PullDelete {
        href: String,
        resource: String,
    },
    /// An unlinked card whose UID Google holds: link it instead of creating it again.
    Link {
        href: String,
        resource: String,
    },
    /// Both sides changed the card: fetch Google's person, merge, update.
    Merge {
        href: String,
        resource: String,
    },
    GroupCreate {
        href: String,
        name: String,
        members: BTreeSet<String>,
    },
    GroupRename {
        resource: String,
        name: String,
    },
    GroupDelete {
        resource: String,
    },
    MembersModify {
        resource: String,
        add: BTreeSet<String>,
        remove: BTreeSet<String>,
    },
    /// Write the group card (and record) from Google's group.
    GroupPull {
        resource: String,
        href: Option<String>,
    },
    /// The group vanished from Google: remove its card and record.
    GroupPullDelete {
        resource: String,
        href: Option<String>,
    },
}

impl Op {
    /// Whether this operation deletes a contact on the side it goes to.
    pub fn delete_direction(&self) -> Option<Direction> {
        match self {
            Op::PushDelete { .. } => Some(Direction::Push),
            Op::PullDelete { .. } => Some(Direction::Pull),
            _ => None,
        }
    }
}

/// The planned operations for one book, in execution order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub book: String,
    pub full: bool,
    pub ops: Vec<Op>,
    /// The last outbox sequence the plan accounts for (ack up to it once executed).
    pub outbox_upto: Option<u64>,
    /// Cards in the book before the sync (for the mass-delete guard).
    pub local_cards: usize,
    /// Linked cards before the sync (what Google holds of this book).
    pub remote_cards: usize,
    /// Group cards listing contacts this round creates in Google (new, or created again after
    /// Google deleted them): pushed after those creates, with the members' new resource names.
    pub waiting_groups: Vec<String>,
}

/// The mass-delete guard's finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MassDelete {
    pub direction: Direction,
    pub deletes: usize,
    pub total: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn count(&self, pred: impl Fn(&Op) -> bool) -> usize {
        self.ops.iter().filter(|o| pred(o)).count()
    }

    /// The first direction that would delete more than `share` of a book holding more than `min` cards.
    pub fn mass_delete(&self, share: f64, min: usize) -> Option<MassDelete> {
        [
            (Direction::Push, self.remote_cards),
            (Direction::Pull, self.local_cards),
        ]
        .into_iter()
        .find_map(|(direction, total)| {
            let deletes = self.count(|o| o.delete_direction() == Some(direction));
            let too_many = total > min && deletes as f64 > share * total as f64;
            too_many.then_some(MassDelete {
                direction,
                deletes,
                total,
            })
        })
    }
}

fn href_for(resource: &str, taken: &BTreeSet<String>) -> String {
    let id = resource.rsplit('/').next().unwrap_or(resource);
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut href = format!("{safe}.vcf");
    let mut n = 1;
    while taken.contains(&href) {
        n += 1;
        href = format!("{safe}-{n}.vcf");
    }
    href
}

/// Builds the plan for one book. Pure: the same inputs give the same plan.
pub fn plan(book: &str, local: &LocalState, remote: &RemoteView, groups: &RemoteGroups) -> Plan {
    let mut ops = Vec::new();
    let by_href: BTreeMap<&str, &LocalCard> =
        local.cards.iter().map(|c| (c.href.as_str(), c)).collect();
    let mut by_resource: BTreeMap<&str, &str> = BTreeMap::new();
    for c in &local.cards {
        if let Some(l) = &c.link {
            by_resource.insert(l.resource_name.as_str(), c.href.as_str());
        }
    }
    for (href, l) in &local.deleted_links {
        by_resource
            .entry(l.resource_name.as_str())
            .or_insert(href.as_str());
    }
    let unlinked_by_uid: BTreeMap<&str, &str> = local
        .cards
        .iter()
        .filter(|c| c.link.is_none() && !c.group)
        .map(|c| (c.uid.as_str(), c.href.as_str()))
        .collect();
    let group_hrefs: BTreeSet<&str> = local
        .groups
        .iter()
        .filter_map(|g| g.card_href.as_deref())
        .chain(
            local
                .cards
                .iter()
                .filter(|c| c.group)
                .map(|c| c.href.as_str()),
        )
        .collect();

    // Coalesce the outbox: one entry per href, the store's current state decides.
    let mut touched: Vec<&str> = Vec::new();
    for item in &local.outbox {
        if !touched.contains(&item.href.as_str()) {
            touched.push(item.href.as_str());
        }
    }
    let outbox_upto = local.outbox.iter().map(|i| i.seq).max();
    let mut pending_put: BTreeSet<&str> = BTreeSet::new();
    let mut pending_delete: BTreeMap<&str, &LinkRef> = BTreeMap::new();
    for href in &touched {
        if group_hrefs.contains(href) {
            continue;
        }
        match by_href.get(href) {
            Some(_) => {
                pending_put.insert(href);
            }
            None => {
                if let Some(l) = local.deleted_links.get(*href) {
                    pending_delete.insert(href, l);
                }
            }
        }
    }

    // Pull side: what Google changed or removed.
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut handled: BTreeSet<&str> = BTreeSet::new();
    let mut taken: BTreeSet<String> = local.cards.iter().map(|c| c.href.clone()).collect();
    taken.extend(local.deleted_links.keys().cloned());
    let (changed, deleted): (Vec<&RemotePerson>, Vec<&str>) = match remote {
        RemoteView::Incremental { changed, deleted } => (
            changed.iter().collect(),
            deleted.iter().map(String::as_str).collect(),
        ),
        RemoteView::Full { persons } => {
            let listed: BTreeSet<&str> = persons.iter().map(|p| p.resource_name.as_str()).collect();
            let vanished = local
                .cards
                .iter()
                .filter(|c| !c.group)
                .filter_map(|c| c.link.as_ref())
                .chain(local.deleted_links.values())
                .map(|l| l.resource_name.as_str())
                .filter(|r| !listed.contains(r))
                .collect();
            (persons.iter().collect(), vanished)
        }
    };
    // Cards whose person Google no longer has: a person carrying one's UID is that card
    // created again (a create whose answer was lost), not a new contact.
    let gone: BTreeSet<&str> = deleted.iter().copied().collect();
    let relinked_by_uid: BTreeMap<&str, &str> = local
        .cards
        .iter()
        .filter(|c| !c.group)
        .filter(|c| {
            c.link
                .as_ref()
                .is_some_and(|l| gone.contains(l.resource_name.as_str()))
        })
        .map(|c| (c.uid.as_str(), c.href.as_str()))
        .collect();
    // Creates whose answer was lost and whose card the client has deleted (or given another
    // UID) since: the person Google made for it goes, it is not pulled back.
    let uids: BTreeSet<&str> = local.cards.iter().map(|c| c.uid.as_str()).collect();
    let abandoned: BTreeMap<&str, &str> = local
        .outbox
        .iter()
        .filter(|i| local.pending_creates.contains(&i.uid) && !uids.contains(i.uid.as_str()))
        .map(|i| (i.uid.as_str(), i.href.as_str()))
        .collect();
    for p in changed {
        let resource = p.resource_name.as_str();
        seen.insert(resource);
        if let Some(&href) = by_resource.get(resource) {
            if group_hrefs.contains(href) {
                continue;
            }
            handled.insert(href);
            let known = by_href
                .get(href)
                .and_then(|c| c.link.as_ref())
                .or_else(|| local.deleted_links.get(href));
            let echo = known.is_some_and(|l| l.person_etag == p.etag);
            if pending_delete.contains_key(href) {
                if echo {
                    ops.push(Op::PushDelete {
                        href: href.to_owned(),
                        resource: resource.to_owned(),
                    });
                } else {
                    // Edited in Google after the client deleted it: the edit comes back.
                    ops.push(Op::PullUpsert {
                        resource: resource.to_owned(),
                        href: href.to_owned(),
                        new: true,
                    });
                }
            } else if pending_put.contains(href) {
                if echo {
                    push_update(&mut ops, local, href, resource);
                } else {
                    ops.push(Op::Merge {
                        href: href.to_owned(),
                        resource: resource.to_owned(),
                    });
                }
            } else if !echo {
                ops.push(Op::PullUpsert {
                    resource: resource.to_owned(),
                    href: href.to_owned(),
                    new: false,
                });
            }
        } else if let Some(&href) = p
            .uid
            .as_deref()
            .and_then(|u| unlinked_by_uid.get(u).or_else(|| relinked_by_uid.get(u)))
        {
            handled.insert(href);
            ops.push(Op::Link {
                href: href.to_owned(),
                resource: resource.to_owned(),
            });
        } else if let Some(&href) = p.uid.as_deref().and_then(|u| abandoned.get(u)) {
            // The href may hold another card by now; the delete must not touch it.
            let href = if taken.contains(href) {
                href_for(resource, &taken)
            } else {
                href.to_owned()
            };
            taken.insert(href.clone());
            ops.push(Op::PushDelete {
                href,
                resource: resource.to_owned(),
            });
        } else {
            let href = href_for(resource, &taken);
            taken.insert(href.clone());
            ops.push(Op::PullUpsert {
                resource: resource.to_owned(),
                href,
                new: true,
            });
        }
    }
    for resource in deleted {
        let Some(&href) = by_resource.get(resource) else {
            continue;
        };
        if group_hrefs.contains(href) || !handled.insert(href) {
            continue;
        }
        if pending_put.contains(href) {
            // Edited by the client after Google deleted it: created again.
            let uid = by_href.get(href).map_or("", |c| c.uid.as_str());
            ops.push(Op::PushCreate {
                href: href.to_owned(),
                uid: uid.to_owned(),
            });
        } else if pending_delete.contains_key(href) {
            // Both deleted it: nothing to send.
        } else {
            ops.push(Op::PullDelete {
                href: href.to_owned(),
                resource: resource.to_owned(),
            });
        }
    }

    // Push side: the rest of the outbox.
    for href in &touched {
        if handled.contains(href) || group_hrefs.contains(href) {
            continue;
        }
        if let Some(card) = by_href.get(href) {
            match &card.link {
                Some(l) => push_update(&mut ops, local, href, &l.resource_name),
                None => ops.push(Op::PushCreate {
                    href: card.href.clone(),
                    uid: card.uid.clone(),
                }),
            }
        } else if let Some(l) = pending_delete.get(href) {
            ops.push(Op::PushDelete {
                href: (*href).to_owned(),
                resource: l.resource_name.clone(),
            });
        }
    }
    if matches!(remote, RemoteView::Full { .. }) {
        // Repair: unlinked cards nothing is pushing (a create that never reached Google).
        for c in &local.cards {
            if c.link.is_none()
                && !c.group
                && !touched.contains(&c.href.as_str())
                && !handled.contains(c.href.as_str())
            {
                ops.push(Op::PushCreate {
                    href: c.href.clone(),
                    uid: c.uid.clone(),
                });
            }
        }
    }

    // The resource names of cards created again: a group card listing them waits.
    let recreated: BTreeSet<&str> = ops
        .iter()
        .filter_map(|op| match op {
            Op::PushCreate { href, .. } => by_href.get(href.as_str())?.link.as_ref(),
            _ => None,
        })
        .map(|l| l.resource_name.as_str())
        .collect();
    let waiting_groups: Vec<String> = local
        .group_cards
        .iter()
        .filter(|e| e.lists_unlinked || e.members.iter().any(|m| recreated.contains(m.as_str())))
        .map(|e| e.href.clone())
        .collect();
    plan_groups(&mut ops, local, groups, &touched, &by_href, &waiting_groups);

    Plan {
        book: book.to_owned(),
        full: matches!(remote, RemoteView::Full { .. }),
        ops,
        outbox_upto,
        local_cards: local.cards.iter().filter(|c| !c.group).count(),
        remote_cards: local
            .cards
            .iter()
            .filter(|c| !c.group && c.link.is_some())
            .count()
            + local.deleted_links.len(),
        waiting_groups,
    }
}

fn push_update(ops: &mut Vec<Op>, local: &LocalState, href: &str, resource: &str) {
    let mask = local.dirty_fields.get(href).cloned().unwrap_or_default();
    if !mask.is_empty() {
        ops.push(Op::PushUpdate {
            href: href.to_owned(),
            resource: resource.to_owned(),
            mask,
        });
    }
}

/// What a group card the client wrote asks of Google, given the group it mirrors (if any).
pub fn group_card_ops(edit: &GroupCardEdit, known: Option<&LocalGroup>) -> Vec<Op> {
    let Some(g) = known else {
        return vec![Op::GroupCreate {
            href: edit.href.clone(),
            name: edit.name.clone(),
            members: edit.members.clone(),
        }];
    };
    let mut ops = Vec::new();
    if g.name != edit.name {
        ops.push(Op::GroupRename {
            resource: g.resource_name.clone(),
            name: edit.name.clone(),
        });
    }
    let add: BTreeSet<String> = edit.members.difference(&g.members).cloned().collect();
    let remove: BTreeSet<String> = g.members.difference(&edit.members).cloned().collect();
    if !add.is_empty() || !remove.is_empty() {
        ops.push(Op::MembersModify {
            resource: g.resource_name.clone(),
            add,
            remove,
        });
    }
    ops
}

fn plan_groups(
    ops: &mut Vec<Op>,
    local: &LocalState,
    remote: &RemoteGroups,
    touched: &[&str],
    by_href: &BTreeMap<&str, &LocalCard>,
    waiting: &[String],
) {
    let by_card: BTreeMap<&str, &LocalGroup> = local
        .groups
        .iter()
        .filter_map(|g| Some((g.card_href.as_deref()?, g)))
        .collect();
    let mut client_touched: BTreeSet<&str> = BTreeSet::new();
    // Client side first: group cards written or deleted.
    for edit in &local.group_cards {
        client_touched.insert(edit.href.as_str());
        if !waiting.contains(&edit.href) {
            ops.extend(group_card_ops(
                edit,
                by_card.get(edit.href.as_str()).copied(),
            ));
        }
    }
    for href in touched {
        if let Some(g) = by_card.get(href)
            && !by_href.contains_key(href)
        {
            client_touched.insert(href);
            ops.push(Op::GroupDelete {
                resource: g.resource_name.clone(),
            });
        }
    }
    // Google side.
    let Some(remote) = remote else { return };
    let known: BTreeMap<&str, &LocalGroup> = local
        .groups
        .iter()
        .map(|g| (g.resource_name.as_str(), g))
        .collect();
    for r in remote {
        match known.get(r.resource_name.as_str()) {
            Some(g)
                if g.card_href
                    .as_deref()
                    .is_some_and(|h| client_touched.contains(h)) => {}
            Some(g) if g.etag == r.etag && g.name == r.name && g.members == r.members => {}
            Some(g) => ops.push(Op::GroupPull {
                resource: r.resource_name.clone(),
                href: g.card_href.clone(),
            }),
            None => ops.push(Op::GroupPull {
                resource: r.resource_name.clone(),
                href: None,
            }),
        }
    }
    let listed: BTreeSet<&str> = remote.iter().map(|r| r.resource_name.as_str()).collect();
    for g in &local.groups {
        let gone = !listed.contains(g.resource_name.as_str());
        let client_owned = g
            .card_href
            .as_deref()
            .is_some_and(|h| client_touched.contains(h));
        if gone && !client_owned {
            ops.push(Op::GroupPullDelete {
                resource: g.resource_name.clone(),
                href: g.card_href.clone(),
            });
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(",");
        match self {
            Op::PushCreate { href, uid } => write!(f, "push create   {href} (uid {uid})"),
            Op::PushUpdate {
                href,
                resource,
                mask,
            } => write!(
                f,
                "push update   {href} -> {resource} [{}]",
                PersonField::mask(mask)
            ),
            Op::PushDelete { href, resource } => write!(f, "push delete   {href} -> {resource}"),
            Op::PullUpsert {
                resource,
                href,
                new,
            } => {
                let what = if *new { "new" } else { "changed" };
                write!(f, "pull upsert   {resource} -> {href} ({what})")
            }
            Op::PullDelete { href, resource } => {
                write!(f, "pull delete   {href} ({resource} deleted in google)")
            }
            Op::Link { href, resource } => {
                write!(
                    f,
                    "link          {href} -> {resource} (uid found in google)"
                )
            }
            Op::Merge { href, resource } => {
                write!(
                    f,
                    "merge         {href} <-> {resource} (changed on both sides)"
                )
            }
            Op::GroupCreate {
                href,
                name,
                members,
            } => write!(
                f,
                "group create  {href} {name:?} members [{}]",
                list(members)
            ),
            Op::GroupRename { resource, name } => write!(f, "group rename  {resource} {name:?}"),
            Op::GroupDelete { resource } => write!(f, "group delete  {resource}"),
            Op::MembersModify {
                resource,
                add,
                remove,
            } => write!(
                f,
                "group members {resource} +[{}] -[{}]",
                list(add),
                list(remove)
            ),
            Op::GroupPull { resource, href } => match href {
                Some(h) => write!(f, "group pull    {resource} -> {h}"),
                None => write!(f, "group pull    {resource} (new)"),
            },
            Op::GroupPullDelete { resource, href } => write!(
                f,
                "group gone    {resource} ({})",
                href.as_deref().unwrap_or("no card")
            ),
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.full { "full" } else { "incremental" };
        write!(f, "{}: {kind}, {} operation(s)", self.book, self.ops.len())?;
        if let Some(seq) = self.outbox_upto {
            write!(f, ", outbox up to {seq}")?;
        }
        writeln!(f)?;
        for op in &self.ops {
            writeln!(f, "  {op}")?;
        }
        for href in &self.waiting_groups {
            writeln!(f, "  group card    {href} (after the creates)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
