//! [`Few`]: a small list kept on the stack. The rows a quote finds in force (preferences,
//! additional duties, import taxes, VAT rows) are a handful; collecting them into a `Vec`
//! per quote would cost an allocation each.
//!
//! Invariant: the first `len` slots of `head` are `Some`, in push order, and `more` holds
//! the items past `N` only once `head` is full.

use std::cmp::Ordering;

/// Up to `N` items on the stack and any more on the heap: the rows a quote finds in force
/// (preferences, additional duties, import taxes, VAT rows) are few.
pub(crate) struct Few<T: Copy, const N: usize> {
    head: [Option<T>; N],
    len: usize,
    more: Vec<T>,
}

impl<T: Copy, const N: usize> Few<T, N> {
    pub(crate) fn new() -> Self {
        Self {
            head: [None; N],
            len: 0,
            more: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, item: T) {
        match self.head.get_mut(self.len) {
            Some(slot) => {
                *slot = Some(item);
                self.len = self.len.saturating_add(1);
            }
            None => self.more.push(item),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.head = [None; N];
        self.len = 0;
        self.more.clear();
    }

    pub(crate) fn iter(&self) -> FewIter<'_, T, N> {
        FewIter { few: self, at: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.len.saturating_add(self.more.len())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn first(&self) -> Option<T> {
        self.head.first().copied().flatten()
    }

    /// Sorts the items stably by `cmp`.
    pub(crate) fn sort_by(&mut self, cmp: impl Fn(&T, &T) -> Ordering) {
        if self.more.is_empty() {
            if let Some(head) = self.head.get_mut(..self.len) {
                head.sort_by(|a, b| match (a, b) {
                    (Some(a), Some(b)) => cmp(a, b),
                    _ => Ordering::Equal,
                });
            }
            return;
        }
        let mut all: Vec<T> = self.iter().collect();
        all.sort_by(cmp);
        self.clear();
        for item in all {
            self.push(item);
        }
    }
}

/// The items of a [`Few`], in order.
#[derive(Clone)]
pub(crate) struct FewIter<'a, T: Copy, const N: usize> {
    few: &'a Few<T, N>,
    at: usize,
}

impl<T: Copy, const N: usize> Iterator for FewIter<'_, T, N> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        let at = self.at;
        self.at = at.saturating_add(1);
        if at < self.few.len {
            self.few.head.get(at).copied().flatten()
        } else {
            self.few.more.get(at.checked_sub(N)?).copied()
        }
    }
}

impl<T: Copy, const N: usize> Default for Few<T, N> {
    fn default() -> Self {
        Self::new()
    }
}
