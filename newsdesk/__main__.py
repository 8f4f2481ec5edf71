from newsdesk.launch import main

main()
