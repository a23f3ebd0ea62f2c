//! How many uploads each user may stream at once. An upload holds a slot from its first byte to its
//! last; a user who opens more gets 429 instead of filling the disk and the server's connections with
//! parallel multi-gigabyte bodies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use wearhouse_model::UserId;

/// Slots per user, shared by every upload request of this process.
#[derive(Debug)]
pub struct UploadSlots {
    per_user: usize,
    held: Arc<Mutex<HashMap<UserId, usize>>>,
}

/// A slot in use; dropping it (the upload ended, however) frees it.
#[derive(Debug)]
pub struct UploadSlot {
    user: UserId,
    held: Arc<Mutex<HashMap<UserId, usize>>>,
}

impl UploadSlots {
    pub fn new(per_user: usize) -> Self {
        Self {
            per_user: per_user.max(1),
            held: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub fn per_user(&self) -> usize {
        self.per_user
    }

    /// A slot for `user`, or `None` when all of theirs are taken.
    pub fn take(&self, user: &UserId) -> Option<UploadSlot> {
        // A panic while holding this lock cannot leave the map inconsistent (each critical section is
        // one insert or decrement), so a poisoned lock is used as is.
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let count = held.entry(user.clone()).or_insert(0);
        if *count >= self.per_user {
            return None;
        }
        *count += 1;
        Some(UploadSlot {
            user: user.clone(),
            held: Arc::clone(&self.held),
        })
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.user) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_per_user_and_come_back_when_dropped() {
        let slots = UploadSlots::new(2);
        let (a, b) = (UserId::generate(), UserId::generate());
        let first = slots.take(&a);
        let second = slots.take(&a);
        assert!(first.is_some() && second.is_some());
        assert!(slots.take(&a).is_none(), "a third upload of one user waits");
        assert!(slots.take(&b).is_some(), "another user is not affected");
        drop(first);
        assert!(slots.take(&a).is_some(), "a finished upload frees its slot");
    }
}
