namespace connector::klaviyo {} // namespace connector::klaviyo
