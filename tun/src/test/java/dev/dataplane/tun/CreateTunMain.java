package dev.dataplane.tun;

/** Child-JVM entry for the no-CAP_NET_ADMIN test: tries to create a TUN and prints the outcome. */
public final class CreateTunMain {
    private CreateTunMain() {}

    public static void main(String[] args) {
        try (TunDevice tun = TunDevice.create(args[0], 1420)) {
            System.out.println("CREATED " + tun.name());
        } catch (TunException e) {
            System.out.println("TunException: " + e.getMessage());
        }
    }
}
