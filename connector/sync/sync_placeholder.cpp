namespace connector::sync {} // placeholder until the stage lands
