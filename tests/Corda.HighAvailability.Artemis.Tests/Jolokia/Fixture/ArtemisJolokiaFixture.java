import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.servlet.DispatcherType;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.jolokia.http.AgentServlet;

/**
 * A real Jolokia agent (org.jolokia.http.AgentServlet in embedded Jetty) in front of MBeans registered under ActiveMQ
 * Artemis' object names with Artemis' attribute names and types, because Artemis itself cannot be installed here.
 * The agent is mounted where a standalone broker has it (/console/jolokia) and where a Corda node's JVM agent has it
 * (/jolokia), behind basic authentication, with the CORS policy of an Artemis instance's etc/jolokia-access.xml.
 *
 * Arguments: user password broker-name policy-file keystore.p12 keystore-password. Prints "port HTTP HTTPS" when
 * ready (the HTTPS connector serves the same agent with the keystore's certificate), then reads one command a line from stdin and
 * answers one line: "ok", a number, a text, or "error ...". Exits when stdin closes.
 */
public final class ArtemisJolokiaFixture {
    private static final String DOMAIN = "org.apache.activemq.artemis";
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final Map<String, AttributeBean> BROKERS = new HashMap<>();
    private static final Map<String, AttributeBean> QUEUES = new HashMap<>();
    private static String brokerName;

    public static void main(String[] args) throws Exception {
        String user = args[0];
        String password = args[1];
        brokerName = args[2];
        String policy = args[3];
        String keyStore = args[4];
        String keyStorePassword = args[5];
        reset();

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        AtomicInteger connections = new AtomicInteger();
        Connection.Listener counter = new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                connections.incrementAndGet();
            }

            @Override
            public void onClosed(Connection connection) {
            }
        };
        connector.addBean(counter);
        server.addConnector(connector);

        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(keyStore);
        tls.setKeyStorePassword(keyStorePassword);
        tls.setKeyStoreType("PKCS12");
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector secure = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(https));
        secure.setHost("127.0.0.1");
        secure.setPort(0);
        secure.addBean(counter);
        server.addConnector(secure);

        GateFilter gate = new GateFilter(user, password);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addFilter(new FilterHolder(gate), "/*", EnumSet.of(DispatcherType.REQUEST));
        // One agent at both paths, as one broker JVM would have only one.
        ServletHolder agent = new ServletHolder("jolokia", new AgentServlet());
        agent.setInitParameter("policyLocation", new java.io.File(policy).toURI().toString());
        context.addServlet(agent, "/console/jolokia/*");
        context.addServlet(agent, "/jolokia/*");
        server.setHandler(context);
        server.start();
        System.out.println("port " + connector.getLocalPort() + " " + secure.getLocalPort());
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String answer;
            try {
                answer = handle(line.trim().split(" "), gate, connections);
            } catch (Exception e) {
                answer = "error " + e;
            }
            System.out.println(answer);
            System.out.flush();
        }
        server.stop();
        System.exit(0);
    }

    private static String handle(String[] command, GateFilter gate, AtomicInteger connections) throws Exception {
        switch (command[0]) {
            case "reset":
                reset();
                gate.requests.set(0);
                gate.refused.set(0);
                return "ok";
            case "set":
                BROKERS.get(brokerName).set(command[1], command[2]);
                return "ok";
            case "drop":
                return BROKERS.get(brokerName).remove(command[1]) ? "ok" : "error no attribute " + command[1];
            case "queue":
                queue(brokerName, command[1], Long.parseLong(command[2]));
                return "ok";
            case "unqueue":
                SERVER.unregisterMBean(queueName(brokerName, command[1]));
                QUEUES.remove(command[1]);
                return "ok";
            case "broker":
                broker(command[1]);
                return "ok";
            case "unbroker":
                SERVER.unregisterMBean(brokerObjectName(command[1]));
                BROKERS.remove(command[1]);
                return "ok";
            case "requests":
                return Integer.toString(gate.requests.get());
            case "refused":
                return Integer.toString(gate.refused.get());
            case "connections":
                return Integer.toString(connections.get());
            case "origin":
                return gate.lastOrigin;
            default:
                return "error unknown command " + command[0];
        }
    }

    /** Back to a healthy live broker with its middleware queues empty, as each test expects to start from. */
    private static void reset() throws Exception {
        for (ObjectName name : SERVER.queryNames(new ObjectName(DOMAIN + ":*"), null)) {
            SERVER.unregisterMBean(name);
        }
        BROKERS.clear();
        QUEUES.clear();
        broker(brokerName);
        queue(brokerName, "p2p.inbound.DLBeSa6P2ZuVq8Qd2y2ZpM4Jq1t8KSWBAb2tt9nW3Y1kG6", 0);
        queue(brokerName, "internal.peers.DLFpLzDugV3Rf8nCV7QpVbX5Qzuw2hK8Rk7T1UcNxBQvFo", 0);
        queue(brokerName, "internal.bridge.control", 0);
        queue(brokerName, "internal.bridge.notify", 0);
        queue(brokerName, "rpc.server", 0);
    }

    private static void broker(String name) throws Exception {
        AttributeBean broker = new AttributeBean("org.apache.activemq.artemis.core.management.impl.ActiveMQServerControlImpl");
        broker.put("Active", true);
        broker.put("Started", true);
        broker.put("Backup", false);
        broker.put("ReplicaSync", true);
        broker.put("SharedStore", false);
        broker.put("AddressMemoryUsagePercentage", 12);
        broker.put("AddressMemoryUsage", 12_582_912L);
        broker.put("GlobalMaxSize", 104_857_600L);
        broker.put("DiskStoreUsage", 0.35);
        broker.put("MaxDiskUsage", 90);
        broker.put("Version", "2.19.1");
        broker.put("ConnectionCount", 3);
        SERVER.registerMBean(broker, brokerObjectName(name));
        BROKERS.put(name, broker);
    }

    private static void queue(String broker, String queue, long count) throws Exception {
        AttributeBean existing = QUEUES.get(queue);
        if (existing != null) {
            existing.put("MessageCount", count);
            return;
        }
        AttributeBean control = new AttributeBean("org.apache.activemq.artemis.core.management.impl.QueueControlImpl");
        control.put("MessageCount", count);
        control.put("ConsumerCount", 1);
        control.put("DeliveringCount", 0);
        SERVER.registerMBean(control, queueName(broker, queue));
        QUEUES.put(queue, control);

        // The address has a MessageCount too: a queue pattern that also matched addresses would count twice.
        AttributeBean address = new AttributeBean("org.apache.activemq.artemis.core.management.impl.AddressControlImpl");
        address.put("MessageCount", count);
        address.put("Paging", false);
        ObjectName addressName = new ObjectName(DOMAIN + ":broker=" + ObjectName.quote(broker)
                + ",component=addresses,address=" + ObjectName.quote(queue));
        if (!SERVER.isRegistered(addressName)) {
            SERVER.registerMBean(address, addressName);
        }
    }

    private static ObjectName brokerObjectName(String broker) throws Exception {
        return new ObjectName(DOMAIN + ":broker=" + ObjectName.quote(broker));
    }

    private static ObjectName queueName(String broker, String queue) throws Exception {
        return new ObjectName(DOMAIN + ":broker=" + ObjectName.quote(broker) + ",component=addresses,address="
                + ObjectName.quote(queue) + ",subcomponent=queues,routing-type=" + ObjectName.quote("anycast")
                + ",queue=" + ObjectName.quote(queue));
    }
}
