namespace connector::warehouse {} // placeholder until the stage lands
