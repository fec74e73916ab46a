from dukcapil.cli import main

main()
