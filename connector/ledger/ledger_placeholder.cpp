namespace connector::ledger {} // namespace connector::ledger
