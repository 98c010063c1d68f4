namespace connector::warehouse {} // namespace connector::warehouse
