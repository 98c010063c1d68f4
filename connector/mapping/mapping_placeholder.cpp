namespace connector::mapping {} // placeholder until the stage lands
