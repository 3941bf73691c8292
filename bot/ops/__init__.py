"""Operations: launcher, local cluster, throwaway services, benchmark, the widget's web server, CLIs."""
