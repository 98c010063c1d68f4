namespace connector::mapping {} // namespace connector::mapping
