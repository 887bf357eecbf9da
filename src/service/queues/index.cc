// A queue's in-memory index of its messages (service_impl.h): states,
// deadlines, FIFO groups and the counts SQS reports.

#include "service/queues/service_impl.h"

namespace service::queues {

void Queue::SetState(uint64_t seq, Entry& e, MsgState s) {
  auto count = [&](MsgState st) -> size_t& {
    return st == MsgState::kReady ? n_ready : st == MsgState::kInflight ? n_inflight : n_delayed;
  };
  --count(e.state);
  ++count(s);
  if (e.state == MsgState::kReady && !cfg.fifo) ready.erase(seq);
  if (s == MsgState::kReady && !cfg.fifo) ready.insert(seq);
  if (cfg.fifo && e.state != s) {
    Group& g = groups[e.group];
    if (e.state == MsgState::kInflight) --g.inflight;
    if (s == MsgState::kInflight) ++g.inflight;
  }
  e.state = s;
}

void Queue::Insert(uint64_t seq, Entry e, int64_t now_ms) {
  MsgState s = e.visible_ms > now_ms ? (e.receive_count > 0 ? MsgState::kInflight : MsgState::kDelayed)
                                     : MsgState::kReady;
  auto [it, inserted] = entries.emplace(seq, std::move(e));
  if (!inserted) return;
  Entry& en = it->second;
  en.state = MsgState::kDelayed;
  ++n_delayed;
  if (cfg.fifo) groups[en.group].seqs.insert(seq);
  SetState(seq, en, s);
  if (s != MsgState::kReady) invisible.emplace(en.visible_ms, seq);
  if (cfg.fifo) RefreshGroup(en.group);
}

std::optional<Entry> Queue::Remove(uint64_t seq) {
  auto it = entries.find(seq);
  if (it == entries.end()) return std::nullopt;
  Entry& e = it->second;
  if (e.state != MsgState::kReady) invisible.erase({e.visible_ms, seq});
  SetState(seq, e, MsgState::kDelayed);  // leaves ready/inflight bookkeeping
  --n_delayed;
  Entry out = std::move(e);
  entries.erase(it);
  if (cfg.fifo) {
    groups[out.group].seqs.erase(seq);
    RefreshGroup(out.group);
  }
  return out;
}

void Queue::MakeInflight(uint64_t seq, Entry& e, int64_t visible_ms, uint32_t token) {
  if (e.state != MsgState::kReady) invisible.erase({e.visible_ms, seq});
  e.visible_ms = visible_ms;
  e.token = token;
  SetState(seq, e, MsgState::kInflight);
  invisible.emplace(visible_ms, seq);
}

void Queue::MakeVisible(uint64_t seq, Entry& e) {
  if (e.state == MsgState::kReady) return;
  invisible.erase({e.visible_ms, seq});
  SetState(seq, e, MsgState::kReady);
  if (cfg.fifo) RefreshGroup(e.group);
}

void Queue::RefreshGroup(const std::string& name) {
  auto it = groups.find(name);
  if (it == groups.end()) return;
  Group& g = it->second;
  if (g.listed) {
    available.erase({*g.listed, name});
    g.listed.reset();
  }
  if (g.seqs.empty() && g.inflight == 0) {
    groups.erase(it);
    return;
  }
  if (g.inflight > 0 || g.seqs.empty()) return;
  uint64_t head = *g.seqs.begin();
  if (entries.at(head).state != MsgState::kReady) return;
  available.emplace(head, name);
  g.listed = head;
}

std::vector<std::pair<uint64_t, Entry>> Queue::Promote(int64_t now_ms) {
  std::vector<std::pair<uint64_t, Entry>> dead;
  bool woke = false;
  while (!invisible.empty() && invisible.begin()->first <= now_ms) {
    uint64_t seq = invisible.begin()->second;
    Entry& e = entries.at(seq);
    if (e.state == MsgState::kInflight && cfg.max_receive > 0 && !cfg.dlq_arn.empty() &&
        e.receive_count >= static_cast<uint32_t>(cfg.max_receive)) {
      dead.emplace_back(seq, *Remove(seq));
      continue;
    }
    MakeVisible(seq, e);
    woke = true;
  }
  if (woke) Notify();
  return dead;
}

void Queue::Notify() {
  for (auto& [id, wake] : watchers) wake();
}

}  // namespace service::queues
