from hello_api.server import main

main()
