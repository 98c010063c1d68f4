namespace connector::sync {} // namespace connector::sync
