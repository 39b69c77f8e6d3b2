NAME = "setup-service"
