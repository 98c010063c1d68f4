namespace connector::klaviyo {} // placeholder until the stage lands
